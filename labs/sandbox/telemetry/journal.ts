/**
 * The durable telemetry journal (Node only): one JSON line per accepted row, appended to a file
 * in the sandbox state folder before the row is acknowledged.
 *
 * - Rows are written with `write` in the same turn of the event loop as `track()`, before the
 *   gateway's answer goes out, so a `kill -9` at any moment loses nothing that was acknowledged
 *   (the data is in the kernel's page cache).
 * - `fdatasync` runs as a group commit: rows written while one sync is in flight share the next
 *   one, so a load test pays one disk flush per batch, not per row. `flushed()` resolves once
 *   every row appended so far is on disk.
 * - On open, the journal is replayed; a torn last line (a crash in the middle of a write) is
 *   detected by its missing newline or invalid JSON, dropped, and cut from the file.
 */
import { closeSync, fdatasync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TelemetryRow } from './rows.ts';

export class TelemetryJournal {
  private dirty = false;
  private syncing = false;
  private scheduled = false;
  private closed = false;
  private waiters: Array<() => void> = [];
  private pending = '';
  private writeQueued = false;

  private constructor(private readonly fd: number) {}

  /** Opens (or creates) the journal at `path`, handing every stored row to `replay` first. */
  static open(path: string, replay: (row: TelemetryRow) => void, log: (message: string) => void): TelemetryJournal {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(path, 'a+', 0o600);
    const text = readFileSync(path);
    let start = 0;
    let goodEnd = 0;
    let skipped = 0;
    while (start < text.length) {
      const newline = text.indexOf(10, start);
      if (newline < 0) break;
      const line = text.toString('utf8', start, newline);
      try {
        if (line.trim() !== '') replay(JSON.parse(line) as TelemetryRow);
      } catch {
        skipped++;
      }
      start = newline + 1;
      goodEnd = start;
    }
    if (goodEnd < text.length) {
      ftruncateSync(fd, goodEnd);
      fsyncSync(fd);
      log(`Telemetry journal: dropped an incomplete last row (${text.length - goodEnd} bytes) left by an interrupted write.`);
    }
    if (skipped > 0) log(`Telemetry journal: skipped ${skipped} unreadable row(s).`);
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    return new TelemetryJournal(fd);
  }

  /**
   * Queues the row and writes the queue in one `write` before any other code runs: rows tracked in
   * the same turn (a call's three metrics) share one system call, and the write still happens
   * before the gateway's answer can be sent.
   */
  append(row: TelemetryRow): void {
    if (this.closed) throw new Error('The telemetry journal is closed.');
    this.pending += `${JSON.stringify(row)}\n`;
    if (this.pending.length > 65_536) this.writePending();
    else if (!this.writeQueued) {
      this.writeQueued = true;
      queueMicrotask(() => this.writePending());
    }
  }

  private writePending(): void {
    this.writeQueued = false;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    writeSync(this.fd, text);
    this.dirty = true;
    this.schedule();
  }

  /** Resolves when every row appended before the call is on disk. */
  flushed(): Promise<void> {
    this.writePending();
    if (!this.dirty && !this.syncing) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.schedule();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flushed();
    this.closed = true;
    closeSync(this.fd);
  }

  private schedule(): void {
    if (this.syncing || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.sync());
  }

  private sync(): void {
    this.scheduled = false;
    const waiting = this.waiters;
    this.waiters = [];
    if (!this.dirty) {
      waiting.forEach((resolve) => resolve());
      return;
    }
    this.dirty = false;
    this.syncing = true;
    fdatasync(this.fd, () => {
      this.syncing = false;
      waiting.forEach((resolve) => resolve());
      if (this.dirty || this.waiters.length > 0) this.schedule();
    });
  }
}

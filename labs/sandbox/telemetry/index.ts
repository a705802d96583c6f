/**
 * Application Insights and Log Analytics in the sandbox server: the in-memory telemetry tables,
 * made durable by the journal in the state folder, and the Logs query API over them.
 *
 *   const telemetry = createTelemetry({ resources, stateDir, ingestionDelayMs, log });
 *   gateway deps: { telemetry: telemetry.sink, ... }
 *   server mount: /v1/... → telemetry.query(req)
 */
import { join } from 'node:path';
import type { SandboxRequest, SandboxResponse } from '../core/exchange.ts';
import type { ResourceView } from '../core/resources.ts';
import type { TelemetrySink } from '../core/telemetry.ts';
import { TelemetryJournal } from './journal.ts';
import { createMemoryTelemetry, DEFAULT_INGESTION_DELAY_MS, type MemoryTelemetry } from './memory.ts';
import { createQueryHandler } from './query-api.ts';

export { DEFAULT_INGESTION_DELAY_MS };

export interface TelemetryOptions {
  resources: ResourceView;
  /** The sandbox state folder; without it nothing is written to disk. */
  stateDir?: string;
  ingestionDelayMs?: number;
  log?: (message: string) => void;
  now?: () => number;
}

export interface Telemetry {
  /** Give this to the gateway. `flushed()` resolves once every tracked row is on disk. */
  sink: TelemetrySink & { flushed(): Promise<void> };
  /** The Logs query API; `req.path` is below `/v1`. */
  query(req: SandboxRequest): Promise<SandboxResponse>;
  memory: MemoryTelemetry;
  close(): Promise<void>;
}

export function journalPath(stateDir: string): string {
  return join(stateDir, 'telemetry', 'journal.jsonl');
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const now = options.now ?? (() => Date.now());
  const log = options.log ?? (() => undefined);
  let journal: TelemetryJournal | undefined;
  const memory = createMemoryTelemetry({
    resources: options.resources,
    now,
    ingestionDelayMs: options.ingestionDelayMs ?? DEFAULT_INGESTION_DELAY_MS,
    log,
    persist: (row) => journal?.append(row),
  });
  if (options.stateDir !== undefined) {
    journal = TelemetryJournal.open(journalPath(options.stateDir), (row) => memory.restore(row), log);
    if (memory.rowCount() > 0) log(`Telemetry: ${memory.rowCount()} row(s) restored from the journal.`);
  }
  return {
    sink: {
      track: (item) => memory.sink.track(item),
      flushed: () => journal?.flushed() ?? Promise.resolve(),
    },
    query: createQueryHandler(memory, now),
    memory,
    close: async () => {
      await journal?.close();
    },
  };
}

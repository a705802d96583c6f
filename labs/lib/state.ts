/**
 * Lab state: what one step leaves for the next (resource ids, URLs, the traffic a run sent), in
 * `.lab/state.json` (git-ignored). Never a key, token or connection string.
 *
 * The file belongs to one target + subscription + prefix; state written for another one is
 * ignored. Writes are atomic (temporary file, then rename).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TrafficCall {
  /** ISO time the answer arrived. */
  at: string;
  subscription: string;
  user: string;
  streamed: boolean;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface LabState {
  owner: { target: string; subscriptionId: string; prefix: string };
  /** Outputs of the steps, by name (ids and URLs only). */
  outputs: Record<string, string>;
  /** Every call `lab:traffic` made since the resources were created (cleared by `lab:cleanup`). */
  traffic: TrafficCall[];
}

export class StateFile {
  readonly path: string;

  constructor(
    private readonly dir: string,
    private readonly owner: LabState['owner'],
  ) {
    this.path = join(dir, 'state.json');
  }

  read(): LabState {
    try {
      const state = JSON.parse(readFileSync(this.path, 'utf8')) as LabState;
      const same =
        state.owner?.target === this.owner.target &&
        state.owner?.subscriptionId === this.owner.subscriptionId &&
        state.owner?.prefix === this.owner.prefix;
      if (same) return { owner: state.owner, outputs: state.outputs ?? {}, traffic: state.traffic ?? [] };
    } catch {
      // no state yet, or unreadable: start afresh
    }
    return { owner: this.owner, outputs: {}, traffic: [] };
  }

  write(state: LabState): void {
    mkdirSync(this.dir, { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(state, null, 2) + '\n');
    renameSync(temporary, this.path);
  }

  update(change: (state: LabState) => void): LabState {
    const state = this.read();
    change(state);
    this.write(state);
    return state;
  }

  /** Records step outputs (ids, URLs; never secrets). */
  saveOutputs(outputs: Record<string, string>): void {
    this.update((state) => Object.assign(state.outputs, outputs));
  }

  clear(): void {
    this.write({ owner: this.owner, outputs: {}, traffic: [] });
  }
}

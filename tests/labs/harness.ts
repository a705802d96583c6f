/**
 * Shared setup for the lab tests: a sandbox of their own (free port, temporary state folder, no
 * ingestion delay), the real SDK clients to check what the labs did, and a way to run a lab
 * exactly as `npm run lab:<step>` runs it (its own Node process with the sandbox's variables).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogsQueryClient } from '@azure/monitor-query-logs';
import { startTestSandbox, type TestSandbox } from '../sandbox/arm-harness.ts';
import { resourceNames, type ResourceNames } from '../../labs/lib/names.ts';
import { runLabProcess, sandboxLabEnv, type LabRun } from '../../labs/lib/run-lab.ts';
import type { LabState } from '../../labs/lib/state.ts';

export interface LabHarness {
  box: TestSandbox;
  names: ResourceNames;
  stateDir: string;
  logs: LogsQueryClient;
  /** Runs `labs/<step>.ts` against this sandbox with the default settings (plus `env`). */
  run(step: string, args?: string[], env?: Record<string, string>): Promise<LabRun>;
  state(): LabState;
  /** The sandbox's stored resources, byte for byte (to prove a run changed nothing). */
  storedResources(): string;
  close(): Promise<void>;
}

export async function startLabHarness(): Promise<LabHarness> {
  const box = await startTestSandbox({ ingestionDelayMs: 0 });
  const stateDir = mkdtempSync(join(tmpdir(), 'lab-state-test-'));
  const sandboxVariables = box.sandbox.env();
  return {
    box,
    names: resourceNames('lab', box.subscriptionId, 'gpt-4o-mini'),
    stateDir,
    logs: new LogsQueryClient(box.credential, { endpoint: sandboxVariables.LAB_LOGS_ENDPOINT, tlsOptions: { ca: box.ca } }),
    run: (step, args = [], env = {}) => runLabProcess(step, args, sandboxLabEnv(sandboxVariables, stateDir, env)),
    state: () => JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as LabState,
    storedResources: () => readFileSync(join(box.sandbox.stateDir, 'resources.json'), 'utf8'),
    close: async () => {
      await box.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The lab's output with its exit code, for assertion messages. */
export function shown(run: LabRun): string {
  return `exit ${run.code}\n${run.output}`;
}

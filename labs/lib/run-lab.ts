/**
 * Running one lab in its own Node process with the sandbox's variables and recording everything
 * it prints, in order (stdout and stderr share one file). Used by `labs:capture` and the tests.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labsDir, repoRoot } from './paths.ts';

export interface LabRun {
  code: number;
  output: string;
  ms: number;
}

/** The settings a capture or test run uses: the defaults, whatever the machine's .env says. */
export const DEFAULT_SETTINGS: Record<string, string> = {
  AZURE_LOCATION: 'swedencentral',
  LAB_PREFIX: 'lab',
  LAB_MODEL_NAME: 'gpt-4o-mini',
  LAB_MODEL_VERSION: '2024-07-18',
  LAB_MODEL_SKU: 'GlobalStandard',
  LAB_MODEL_CAPACITY: '10',
  LAB_APIM_SKU: 'BasicV2',
  LAB_PUBLISHER_EMAIL: 'apim-lab@example.com',
};

/** The environment for a lab on a given sandbox: its variables, the default settings, a lab state folder. */
export function sandboxLabEnv(sandboxVariables: Record<string, string>, stateDir: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(AZURE_|LAB_|IDENTITY_|MSI_|FORCE_COLOR)/.test(name)) delete env[name];
  }
  return { ...env, ...DEFAULT_SETTINGS, ...sandboxVariables, LAB_TARGET: 'sandbox', LAB_STATE_DIR: stateDir, NO_COLOR: '1', ...overrides };
}

export function runLabProcess(step: string, args: string[], env: NodeJS.ProcessEnv, script = join(labsDir, `${step}.ts`)): Promise<LabRun> {
  const folder = mkdtempSync(join(tmpdir(), 'lab-run-'));
  const file = join(folder, 'output.txt');
  const fd = openSync(file, 'w');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, env, stdio: ['ignore', fd, fd] });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      closeSync(fd);
      const output = readFileSync(file, 'utf8');
      rmSync(folder, { recursive: true, force: true });
      resolve({ code: code ?? (signal ? 1 : 0), output, ms: Date.now() - started });
    });
  });
}

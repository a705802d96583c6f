/**
 * Where the local sandbox lives and how it is tuned: default port, state folder, file names,
 * and the environment variables that override them.
 */
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

/** The repository root (two folders above this file). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const DEFAULT_PORT = 47443;
export const HOST = '127.0.0.1';

/** Files inside the state folder. */
export const stateFiles = {
  cert: 'cert.pem',
  key: 'key.pem',
  secrets: 'secrets.json',
  resources: 'resources.json',
  runtime: 'sandbox.json',
} as const;

/** The port the sandbox listens on: `SANDBOX_PORT`, else the fixed default. */
export function configuredPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SANDBOX_PORT;
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`SANDBOX_PORT must be a port number between 0 and 65535, got "${raw}". Unset it to use ${DEFAULT_PORT}.`);
  }
  return port;
}

/** The state folder: `SANDBOX_STATE_DIR`, else `.lab/sandbox/` in the repository. */
export function configuredStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.SANDBOX_STATE_DIR && env.SANDBOX_STATE_DIR !== '' ? env.SANDBOX_STATE_DIR : resolve(repoRoot, '.lab', 'sandbox'));
}

/** How long long-running operations take: `SANDBOX_PROVISIONING_DELAY_MS`, else 0 (finish at the first poll). */
export function configuredProvisioningDelayMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SANDBOX_PROVISIONING_DELAY_MS;
  if (raw === undefined || raw === '') return 0;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new Error(`SANDBOX_PROVISIONING_DELAY_MS must be a number of milliseconds (0 or more), got "${raw}".`);
  }
  return ms;
}

/** Lifetime of the tokens the managed-identity endpoint issues. */
export const TOKEN_LIFETIME_SECONDS = 3600;

/**
 * Command line for the local sandbox:
 *   npm run sandbox           start in the foreground (Ctrl+C stops it)
 *   npm run sandbox:stop      stop a running sandbox
 *   npm run sandbox:reset     stop it and delete its state (resources, certificate, secrets)
 *   npm run --silent sandbox:env   print KEY=value lines that point Azure SDK clients at it
 * Port: SANDBOX_PORT (default 47443). State folder: SANDBOX_STATE_DIR (default .lab/sandbox).
 */
import { existsSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { configuredPort, configuredProvisioningDelayMs, configuredStateDir, HOST, stateFiles } from './config.ts';
import { loadOrCreateSecrets } from './identity.ts';
import { sandboxEnv, startSandbox } from './server.ts';
import { ResourceStore, writeFileAtomic } from './store.ts';
import { ensureCertificate } from './tls.ts';

interface RuntimeInfo {
  pid: number;
  port: number;
  url: string;
  startedAt: string;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function runtimePath(stateDir: string): string {
  return join(stateDir, stateFiles.runtime);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running sandbox recorded in the state folder, if its process is still alive. */
function runningSandbox(stateDir: string): RuntimeInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(runtimePath(stateDir), 'utf8')) as RuntimeInfo;
    return isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

async function start(stateDir: string): Promise<void> {
  const running = runningSandbox(stateDir);
  if (running !== undefined) {
    fail(`The sandbox is already running (pid ${running.pid}) at ${running.url}. Stop it with \`npm run sandbox:stop\` first, or use it as it is.`);
  }
  process.on('uncaughtException', (error) => console.error(`[sandbox] unexpected error (the sandbox keeps running): ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (reason) => console.error(`[sandbox] unexpected error (the sandbox keeps running): ${String(reason)}`));
  let sandbox;
  try {
    sandbox = await startSandbox({ port: configuredPort(), stateDir, provisioningDelayMs: configuredProvisioningDelayMs() });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      fail(`Port ${configuredPort()} on ${HOST} is already in use by another program. Stop that program, or choose another port with SANDBOX_PORT=<port>.`);
    }
    fail(`The sandbox could not start: ${(error as Error).message}`);
  }
  const info: RuntimeInfo = { pid: process.pid, port: sandbox.port, url: sandbox.url, startedAt: new Date().toISOString() };
  writeFileAtomic(runtimePath(stateDir), JSON.stringify(info, null, 2), 0o644);
  console.log(`The local Azure sandbox is running at ${sandbox.url} (pid ${process.pid}).`);
  console.log('Point your own programs at it with these variables (`npm run --silent sandbox:env`):');
  for (const [key, value] of Object.entries(sandbox.env())) console.log(`  ${key}=${key === 'IDENTITY_HEADER' ? `${value.slice(0, 4)}…` : value}`);
  console.log('Stop it with Ctrl+C or `npm run sandbox:stop`.');
  const shutdown = async (): Promise<void> => {
    await sandbox.close();
    try {
      const recorded = JSON.parse(readFileSync(runtimePath(stateDir), 'utf8')) as RuntimeInfo;
      if (recorded.pid === process.pid) unlinkSync(runtimePath(stateDir));
    } catch {
      // already gone
    }
    console.log('The sandbox stopped.');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

async function stop(stateDir: string): Promise<boolean> {
  const running = runningSandbox(stateDir);
  if (running === undefined) {
    console.log('The sandbox is not running.');
    return false;
  }
  process.kill(running.pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (isAlive(running.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (isAlive(running.pid)) process.kill(running.pid, 'SIGKILL');
  rmSync(runtimePath(stateDir), { force: true });
  console.log(`Stopped the sandbox (pid ${running.pid}).`);
  return true;
}

async function reset(stateDir: string): Promise<void> {
  await stop(stateDir);
  if (!existsSync(stateDir)) {
    console.log(`Nothing to reset: ${stateDir} does not exist.`);
    return;
  }
  rmSync(stateDir, { recursive: true, force: true });
  console.log(`Deleted the sandbox state in ${stateDir}. The next start makes a new subscription id, certificate and secrets.`);
}

async function printEnv(stateDir: string): Promise<void> {
  const running = runningSandbox(stateDir);
  const port = running?.port ?? configuredPort();
  const certificate = await ensureCertificate(stateDir);
  const secrets = loadOrCreateSecrets(stateDir);
  const store = ResourceStore.open(stateDir);
  const env = sandboxEnv({ origin: `https://${HOST}:${port}`, certPath: certificate.certPath, identityHeader: secrets.identityHeader, subscriptionId: store.subscriptionId });
  for (const [key, value] of Object.entries(env)) console.log(`${key}=${value}`);
}

const commands: Record<string, (stateDir: string) => Promise<unknown>> = { start, stop, reset, env: printEnv };
const command = process.argv[2] ?? 'start';
const run = commands[command];
if (run === undefined) fail(`Unknown sandbox command '${command}'. Use one of: ${Object.keys(commands).join(', ')}.`);
let stateDir: string;
try {
  stateDir = configuredStateDir();
  configuredPort();
  configuredProvisioningDelayMs();
} catch (error) {
  fail((error as Error).message);
}
await run(stateDir);

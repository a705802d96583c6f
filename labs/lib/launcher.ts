/**
 * `npm run lab:<step>` (and `npm run labs`): runs `labs/<step>.ts` in its own Node process.
 *
 * On the sandbox target it first makes sure the local sandbox runs (starting it in the background
 * when it does not) and gives the step the sandbox's variables: NODE_EXTRA_CA_CERTS must be in
 * the environment before Node starts for the SDKs to trust the sandbox's certificate, which is why
 * each step gets its own process. On Azure the step runs with your environment unchanged.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import pc from 'picocolors';
import { configuredStateDir, stateFiles } from '../sandbox/config.ts';
import { explain } from './errors.ts';
import { labsDir, repoRoot } from './paths.ts';
import { loadSettings } from './settings.ts';
import { ALL_BUT_CLEANUP, LAB_STEPS } from './steps.ts';

const SANDBOX_VARIABLES = ['NODE_EXTRA_CA_CERTS', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'AZURE_SUBSCRIPTION_ID', 'LAB_ARM_ENDPOINT', 'LAB_LOGS_ENDPOINT'];
/** Credentials that would make DefaultAzureCredential skip the sandbox's managed identity. */
const AZURE_CREDENTIAL_VARIABLES = ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_USERNAME', 'AZURE_PASSWORD', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_TOKEN_CREDENTIALS'];

/** Answers true when an HTTPS server with this certificate responds at `origin`. */
function responds(origin: string, certPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    let ca: Buffer;
    try {
      ca = readFileSync(certPath);
    } catch {
      resolve(false);
      return;
    }
    const probe = request(`${origin}/msi/token`, { method: 'GET', ca, timeout: 2000 }, (response) => {
      response.resume();
      resolve(true);
    });
    probe.on('error', () => resolve(false));
    probe.on('timeout', () => probe.destroy());
    probe.end();
  });
}

/** The URL of the sandbox recorded as running in its state folder (by `npm run sandbox`), if any. */
function runtimeUrl(stateDir: string): string | undefined {
  try {
    const runtime = JSON.parse(readFileSync(join(stateDir, stateFiles.runtime), 'utf8')) as { url?: string };
    return typeof runtime.url === 'string' ? runtime.url : undefined;
  } catch {
    return undefined;
  }
}

/** The `KEY=value` lines `npm run --silent sandbox:env` prints, as an object. */
function sandboxEnv(): Record<string, string> {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(labsDir, 'sandbox', 'main.ts'), 'env'], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`The sandbox's variables could not be read: ${result.stderr.trim() || result.stdout.trim()}`);
  return Object.fromEntries(
    result.stdout
      .split('\n')
      .map((line) => /^([A-Z_]+)=(.*)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1], match[2]]),
  );
}

/** Makes sure a sandbox answers and returns its variables; starts one in the background if needed. */
async function ensureSandbox(): Promise<Record<string, string>> {
  const given = Object.fromEntries(SANDBOX_VARIABLES.map((name) => [name, process.env[name] ?? '']));
  if (SANDBOX_VARIABLES.every((name) => given[name] !== '') && (await responds(given.LAB_ARM_ENDPOINT, given.NODE_EXTRA_CA_CERTS))) {
    return given;
  }
  const stateDir = configuredStateDir();
  const certPath = join(stateDir, stateFiles.cert);
  const runningAt = async (): Promise<string | undefined> => {
    const url = runtimeUrl(stateDir);
    return url !== undefined && (await responds(url, certPath)) ? url : undefined;
  };
  if ((await runningAt()) === undefined) {
    mkdirSync(stateDir, { recursive: true });
    const logPath = join(stateDir, 'sandbox.log');
    const log = openSync(logPath, 'a');
    const started = Date.now();
    process.stdout.write(pc.dim(`Starting the local sandbox in the background (log: ${logPath})… `));
    const child = spawn(process.execPath, ['--import', 'tsx', join(labsDir, 'sandbox', 'main.ts'), 'start'], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', log, log],
      env: process.env,
    });
    child.unref();
    closeSync(log);
    let exited = false;
    child.once('exit', () => (exited = true));
    while ((await runningAt()) === undefined) {
      if (exited || Date.now() - started > 60_000) {
        process.stdout.write('\n');
        const tail = existsSync(logPath) ? readFileSync(logPath, 'utf8').trim().split('\n').slice(-3).join(' ') : '';
        throw new Error(`The local sandbox did not start (see ${logPath}). ${tail}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    process.stdout.write(pc.dim(`ready (${((Date.now() - started) / 1000).toFixed(1)} s). Stop it with \`npm run sandbox:stop\`.\n`));
  }
  return sandboxEnv();
}

function runStep(step: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(labsDir, `${step}.ts`), ...args], { cwd: repoRoot, stdio: 'inherit', env });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const [requested, ...args] = process.argv.slice(2);
  // Any labs/<step>.ts runs (e.g. lab:iac); `all` runs the lesson's steps but cleanup.
  const known = LAB_STEPS.includes(requested as never) || (/^[a-z][a-z-]*$/.test(requested ?? '') && existsSync(join(labsDir, `${requested}.ts`)));
  const steps = requested === 'all' ? ALL_BUT_CLEANUP : known ? [requested] : [];
  if (steps.length === 0) {
    console.error(`Unknown lab "${requested ?? ''}". The labs are: ${LAB_STEPS.join(', ')} (npm run lab:<name>), or all of them but cleanup with \`npm run labs\`.`);
    return 1;
  }
  let env: NodeJS.ProcessEnv = { ...process.env };
  try {
    const settings = loadSettings(env);
    if (settings.target === 'sandbox') {
      for (const name of AZURE_CREDENTIAL_VARIABLES) delete env[name];
      env = { ...env, ...(await ensureSandbox()), LAB_TARGET: 'sandbox' };
    }
  } catch (error) {
    console.error(pc.red(`✖ ${explain(error, 'preparing the lab')}`));
    return 1;
  }
  for (const [index, step] of steps.entries()) {
    if (index > 0) console.log();
    const code = await runStep(step, args, env);
    if (code !== 0) {
      if (steps.length > 1) console.error(pc.red(`✖ npm run labs stopped at lab:${step}; fix the problem above and run it again (finished labs stay as they are).`));
      return code;
    }
  }
  return 0;
}

process.exitCode = await main();

/**
 * The sandbox command line (`labs/sandbox/main.ts`, behind `npm run sandbox`, `sandbox:stop`,
 * `sandbox:reset`, `sandbox:env`): env lines before and during a run, refusing a second start,
 * stopping, resetting, and clear errors for bad settings.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { configuredPort, configuredProvisioningDelayMs } from '../../labs/sandbox/config.ts';
import { tempStateDir } from './arm-harness.ts';

const repo = join(import.meta.dirname, '..', '..');

function cli(command: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'labs/sandbox/main.ts', command], { cwd: repo, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function parseEnv(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map((line) => {
    const at = line.indexOf('=');
    return [line.slice(0, at), line.slice(at + 1)];
  }));
}

test('env, start, a refused second start, stop and reset', async () => {
  const stateDir = tempStateDir();
  try {
    const before = cli('env', { SANDBOX_STATE_DIR: stateDir, SANDBOX_PORT: '47001' });
    assert.equal(before.status, 0, before.stderr);
    const env = parseEnv(before.stdout);
    assert.equal(env.LAB_ARM_ENDPOINT, 'https://127.0.0.1:47001');
    assert.equal(env.LAB_LOGS_ENDPOINT, 'https://127.0.0.1:47001/v1');
    assert.equal(env.NODE_EXTRA_CA_CERTS, join(stateDir, 'cert.pem'));
    assert.match(env.AZURE_SUBSCRIPTION_ID, /^[0-9a-f-]{36}$/);
    assert.equal(statSync(join(stateDir, 'secrets.json')).mode & 0o777, 0o600);

    const child = spawn(process.execPath, ['--import', 'tsx', 'labs/sandbox/main.ts', 'start'], { cwd: repo, env: { ...process.env, SANDBOX_STATE_DIR: stateDir, SANDBOX_PORT: '0' }, stdio: 'ignore' });
    const runtime = join(stateDir, 'sandbox.json');
    for (let i = 0; i < 600 && !existsSync(runtime); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const info = JSON.parse(readFileSync(runtime, 'utf8')) as { pid: number; port: number };
    assert.equal(info.pid, child.pid);
    const during = parseEnv(cli('env', { SANDBOX_STATE_DIR: stateDir }).stdout);
    assert.equal(during.LAB_ARM_ENDPOINT, `https://127.0.0.1:${info.port}`);
    assert.equal(during.AZURE_SUBSCRIPTION_ID, env.AZURE_SUBSCRIPTION_ID, 'the subscription id made by env is the one the sandbox uses');
    const second = cli('start', { SANDBOX_STATE_DIR: stateDir, SANDBOX_PORT: '0' });
    assert.equal(second.status, 1);
    assert.match(second.stderr, /already running \(pid \d+\)/);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const stop = cli('stop', { SANDBOX_STATE_DIR: stateDir });
    assert.match(stop.stdout, /Stopped the sandbox/);
    await exited;
    assert.equal(existsSync(runtime), false);

    const reset = cli('reset', { SANDBOX_STATE_DIR: stateDir });
    assert.equal(reset.status, 0);
    assert.match(reset.stdout, /The sandbox is not running\.\nDeleted the sandbox state/);
    assert.equal(existsSync(stateDir), false);
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test('bad settings and unknown commands exit non-zero with one clear sentence', () => {
  assert.throws(() => configuredPort({ SANDBOX_PORT: 'eighty' }), /SANDBOX_PORT must be a port number/);
  assert.throws(() => configuredProvisioningDelayMs({ SANDBOX_PROVISIONING_DELAY_MS: '-5' }), /SANDBOX_PROVISIONING_DELAY_MS must be a number/);
  assert.equal(configuredPort({}), 47443);
  assert.equal(configuredProvisioningDelayMs({ SANDBOX_PROVISIONING_DELAY_MS: '2500' }), 2500);
  const port = cli('launch', { SANDBOX_PORT: 'eighty' });
  assert.equal(port.status, 1);
  assert.match(port.stderr, /Unknown sandbox command 'launch'/);
});

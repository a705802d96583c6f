/**
 * `npm run lab:<step>` on a machine where the sandbox is not running: the launcher starts it in
 * the background, says so once, and the lab runs against it; the next lab finds it running.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labsDir } from '../../labs/lib/paths.ts';
import { DEFAULT_SETTINGS, runLabProcess } from '../../labs/lib/run-lab.ts';

const launcher = join(labsDir, 'lib', 'launcher.ts');
const work = mkdtempSync(join(tmpdir(), 'lab-launcher-test-'));
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NO_COLOR: '1',
  ...DEFAULT_SETTINGS,
  SANDBOX_STATE_DIR: join(work, 'sandbox'),
  SANDBOX_PORT: '0',
  LAB_STATE_DIR: join(work, 'state'),
};

after(async () => {
  // Stop the sandbox this test started (by the pid it recorded), then remove its folders.
  try {
    const { pid } = JSON.parse(readFileSync(join(work, 'sandbox', 'sandbox.json'), 'utf8')) as { pid: number };
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch {
    // never started
  }
  rmSync(work, { recursive: true, force: true });
});

test('the first lab starts the sandbox in the background; the next one uses it', async () => {
  const first = await runLabProcess('doctor', ['doctor'], env, launcher);
  assert.equal(first.code, 0, first.output);
  assert.match(first.output, /Starting the local sandbox in the background .*ready/);
  assert.match(first.output, /Target: local sandbox at https:\/\/127\.0\.0\.1:\d+ /);
  const { port } = JSON.parse(readFileSync(join(work, 'sandbox', 'sandbox.json'), 'utf8')) as { port: number };

  const second = await runLabProcess('setup', ['setup'], env, launcher);
  assert.equal(second.code, 0, second.output);
  assert.doesNotMatch(second.output, /Starting the local sandbox/);
  assert.match(second.output, new RegExp(`Target: local sandbox at https://127\\.0\\.0\\.1:${port} `));
  assert.match(second.output, /Resource group lab-token-monitoring-rg: created/);
});

test('an unknown lab name lists the labs', async () => {
  const run = await runLabProcess('x', ['deploy'], env, launcher);
  assert.equal(run.code, 1);
  assert.match(run.output, /Unknown lab "deploy"\. The labs are: doctor, setup, app-insights/);
});

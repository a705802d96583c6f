/**
 * Durable state: resources, subscription id, certificate and token key survive a restart, and a
 * `kill -9` while writes are in flight leaves a state that loads, holds every acknowledged write
 * whole, and nothing torn. The killed sandbox runs as a child process (`labs/sandbox/main.ts`).
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

// The identity library keeps the managed-identity endpoint it first saw for the whole process, so
// every in-process sandbox of this file listens on the same port.
let port = 0;
import { loadOrCreateSecrets, TokenService } from '../../labs/sandbox/identity.ts';
import { httpsRaw, startTestSandbox, tempStateDir } from './arm-harness.ts';

test('state, subscription, certificate and tokens survive a restart', async () => {
  const stateDir = tempStateDir();
  try {
    const first = await startTestSandbox({ stateDir });
    port = first.sandbox.port;
    await first.resources.resourceGroups.createOrUpdate('rg-keep', { location: 'eastus', tags: { n: '1' } });
    await first.apim.apiManagementService.beginCreateOrUpdateAndWait('rg-keep', 'apim-keep', { location: 'eastus', sku: { name: 'Consumption', capacity: 0 }, publisherEmail: 'a@b.c', publisherName: 'A' });
    const keys = await first.apim.subscription.listSecrets('rg-keep', 'apim-keep', 'master');
    const token = await first.credential.getToken('https://management.azure.com/.default');
    const cert = first.ca;
    await first.close();

    const second = await startTestSandbox({ stateDir, port });
    try {
      assert.equal(second.subscriptionId, first.subscriptionId);
      assert.equal(second.ca, cert);
      assert.deepEqual((await second.resources.resourceGroups.get('rg-keep')).tags, { n: '1' });
      assert.equal((await second.apim.subscription.listSecrets('rg-keep', 'apim-keep', 'master')).primaryKey, keys.primaryKey);
      const old = await second.raw('GET', `/subscriptions/${second.subscriptionId}/resourcegroups/rg-keep?api-version=2025-04-01`, { token: token.token });
      assert.equal(old.status, 200, 'a token issued before the restart is still accepted');
    } finally {
      await second.close();
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});

function startChild(stateDir: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'labs/sandbox/main.ts', 'start'], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { ...process.env, SANDBOX_STATE_DIR: stateDir, SANDBOX_PORT: '0' },
    stdio: 'ignore',
  });
}

async function waitForRuntime(stateDir: string, pid: number): Promise<{ url: string }> {
  const path = join(stateDir, 'sandbox.json');
  for (let i = 0; i < 600; i++) {
    if (existsSync(path)) {
      const info = JSON.parse(readFileSync(path, 'utf8')) as { pid: number; url: string };
      if (info.pid === pid) return info;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('The child sandbox did not start within 30 s.');
}

test('kill -9 during writes: the state loads, every acknowledged write is there and whole', async () => {
  const stateDir = tempStateDir();
  const acknowledged = new Map<string, string>();
  try {
    for (let round = 0; round < 2; round++) {
      const child = startChild(stateDir);
      const { url } = await waitForRuntime(stateDir, child.pid ?? -1);
      const ca = readFileSync(join(stateDir, 'cert.pem'), 'utf8');
      const secrets = loadOrCreateSecrets(stateDir);
      const ids = JSON.parse(readFileSync(join(stateDir, 'resources.json'), 'utf8')) as { subscriptionId: string; tenantId: string };
      const token = new TokenService(secrets, ids.tenantId, Date.now).issue('00000000-0000-0000-0000-0000000000aa', 'https://management.azure.com').token;
      let stop = false;
      const writer = async (worker: number): Promise<void> => {
        for (let n = 0; !stop; n++) {
          const name = `rg-r${round}-w${worker}-${n}`;
          const payload = 'x'.repeat(200 + n);
          try {
            const res = await httpsRaw(url, ca, 'PUT', `/subscriptions/${ids.subscriptionId}/resourcegroups/${name}?api-version=2025-04-01`, JSON.stringify({ location: 'eastus', tags: { payload } }), { authorization: `Bearer ${token}` });
            if (res.status === 201) acknowledged.set(name, payload);
          } catch {
            return; // the sandbox was killed mid-request
          }
        }
      };
      const writers = Array.from({ length: 8 }, (_, i) => writer(i));
      await new Promise((resolve) => setTimeout(resolve, 1000 + round * 700));
      child.kill('SIGKILL');
      stop = true;
      await Promise.all(writers);
      await new Promise((resolve) => child.once('exit', resolve).exitCode !== null && resolve(undefined));
    }
    assert.ok(acknowledged.size > 10, `only ${acknowledged.size} writes were acknowledged before the kills`);
    const state = JSON.parse(readFileSync(join(stateDir, 'resources.json'), 'utf8')) as { subscriptionId: string; resources: Record<string, { name: string; tags?: Record<string, string> }> };
    for (const [name, payload] of acknowledged) {
      const stored = state.resources[`/subscriptions/${state.subscriptionId}/resourcegroups/${name}`.toLowerCase()];
      assert.ok(stored !== undefined, `acknowledged write ${name} is missing after kill -9`);
      assert.equal(stored.tags?.payload, payload);
    }
    const reopened = await startTestSandbox({ stateDir, port });
    try {
      // A fresh token: the identity library caches tokens per process, and this state has its own key.
      const fresh = new TokenService(loadOrCreateSecrets(stateDir), 'tenant', Date.now).issue('00000000-0000-0000-0000-0000000000aa', 'https://management.azure.com').token;
      const listed = await reopened.raw('GET', `/subscriptions/${reopened.subscriptionId}/resourcegroups?api-version=2025-04-01`, { token: fresh });
      const names = (listed.json.value as Array<{ name: string }>).map((group) => group.name);
      for (const name of acknowledged.keys()) assert.ok(names.includes(name));
      assert.deepEqual(readdirSync(stateDir).filter((f) => f.endsWith('.tmp')), [], 'leftover temporary files are cleaned on start');
    } finally {
      await reopened.close();
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});

/**
 * Long-running operations with a realistic provisioning delay (`provisioningDelayMs`, the option
 * behind SANDBOX_PROVISIONING_DELAY_MS): transitional states on GET, InProgress polls with
 * Retry-After, SDK pollers that wait for completion, Location polling for deletes, and Azure's
 * 409 when a second deployment is started while one is still provisioning.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { armErrorOf, startTestSandbox, type TestSandbox } from './arm-harness.ts';

const DELAY = 2500;
let t: TestSandbox;
const rg = 'rg-slow';
before(async () => {
  t = await startTestSandbox({ provisioningDelayMs: DELAY });
  await t.resources.resourceGroups.createOrUpdate(rg, { location: 'eastus' });
});
after(async () => {
  await t.close();
});

const pathOf = (url: unknown): string => {
  const parsed = new URL(String(url));
  return parsed.pathname + parsed.search;
};

test('a slow service shows Activating and InProgress polls until the delay has passed, then Succeeded', async () => {
  const base = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ApiManagement/service/apim-slow?api-version=2024-05-01`;
  const started = Date.now();
  const put = await t.raw('PUT', base, { body: { location: 'eastus', sku: { name: 'Developer', capacity: 1 }, properties: { publisherEmail: 'a@b.c', publisherName: 'A' } } });
  assert.equal(put.json.properties.provisioningState, 'Created');
  const status = await t.raw('GET', pathOf(put.headers['azure-asyncoperation']));
  assert.equal(status.json.status, 'InProgress');
  assert.equal(status.headers['retry-after'], '1');
  const location = await t.raw('GET', pathOf(put.headers.location));
  assert.equal(location.status, 202);
  const during = await t.raw('GET', base);
  assert.equal(during.json.properties.provisioningState, 'Activating');
  let finalStatus = status.json.status as string;
  while (finalStatus === 'InProgress' && Date.now() - started < DELAY + 10_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    finalStatus = (await t.raw('GET', pathOf(put.headers['azure-asyncoperation']))).json.status as string;
  }
  assert.equal(finalStatus, 'Succeeded');
  assert.ok(Date.now() - started >= DELAY, 'not before the provisioning delay');
  const done = await t.raw('GET', pathOf(put.headers.location));
  assert.equal(done.status, 200);
  assert.equal(done.json.properties.provisioningState, 'Succeeded');
});

test('SDK pollers wait for the delay and return the finished resource', async () => {
  const started = Date.now();
  const workspace = await t.workspaces.workspaces.beginCreateOrUpdateAndWait(rg, 'ws-slow', { location: 'eastus' }, { updateIntervalInMs: 100 });
  const elapsed = Date.now() - started;
  assert.equal(workspace.provisioningState, 'Succeeded');
  assert.ok(elapsed >= DELAY - 100, `finished after ${elapsed} ms`);
});

test('a second deployment while the first is provisioning gets 409; deletes poll by Location', async () => {
  await t.cognitive.accounts.beginCreateAndWait(rg, 'aoai-slow', { location: 'eastus', kind: 'OpenAI', sku: { name: 'S0' }, properties: { customSubDomainName: 'aoai-slow-1' } }, { updateIntervalInMs: 100 });
  const account = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.CognitiveServices/accounts/aoai-slow`;
  const first = await t.raw('PUT', `${account}/deployments/one?api-version=2025-09-01`, { body: { sku: { name: 'Standard', capacity: 1 }, properties: { model: { format: 'OpenAI', name: 'gpt-4o-mini' } } } });
  assert.equal(first.status, 201);
  assert.equal((await t.cognitive.deployments.get(rg, 'aoai-slow', 'one')).properties?.provisioningState, 'Creating');
  const second = await armErrorOf(t.cognitive.deployments.beginCreateOrUpdateAndWait(rg, 'aoai-slow', 'two', { sku: { name: 'Standard', capacity: 1 }, properties: { model: { format: 'OpenAI', name: 'gpt-4o' } } }));
  assert.equal(second.statusCode, 409);
  assert.equal(second.code, 'RequestConflict');
  await new Promise((resolve) => setTimeout(resolve, DELAY + 50));
  assert.equal((await t.cognitive.deployments.get(rg, 'aoai-slow', 'one')).properties?.provisioningState, 'Succeeded');
  const del = await t.raw('DELETE', `/subscriptions/${t.subscriptionId}/resourcegroups/${rg}?api-version=2025-04-01`);
  assert.equal(del.status, 202);
  assert.equal((await t.raw('GET', pathOf(del.headers.location))).status, 202);
  await new Promise((resolve) => setTimeout(resolve, DELAY + 50));
  assert.equal((await t.raw('GET', pathOf(del.headers.location))).status, 200);
});

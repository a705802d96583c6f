/**
 * Resource groups and the ARM basics every route shares, through `@azure/arm-resources`:
 * create/update/get/exists/list, delete as a long-running operation that takes the children with
 * it, and ARM's error answers (missing and unknown api-version, bad JSON, bad names, unknown
 * locations, unknown routes, missing groups).
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { armErrorOf, startTestSandbox, type TestSandbox } from './arm-harness.ts';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(async () => {
  await t.close();
});

test('a resource group is created (201), re-PUT idempotently (200), read, checked and listed', async () => {
  const created = await t.resources.resourceGroups.createOrUpdate('rg-basics', { location: 'West Europe', tags: { course: 'apim' } });
  assert.equal(created.id, `/subscriptions/${t.subscriptionId}/resourceGroups/rg-basics`);
  assert.equal(created.location, 'westeurope');
  assert.equal(created.properties?.provisioningState, 'Succeeded');
  const first = await t.raw('PUT', `/subscriptions/${t.subscriptionId}/resourcegroups/rg-raw?api-version=2025-04-01`, { body: { location: 'eastus' } });
  const again = await t.raw('PUT', `/subscriptions/${t.subscriptionId}/resourcegroups/rg-raw?api-version=2025-04-01`, { body: { location: 'eastus' } });
  assert.deepEqual([first.status, again.status], [201, 200]);
  assert.deepEqual(again.json, first.json);
  const got = await t.resources.resourceGroups.get('RG-BASICS');
  assert.equal(got.name, 'rg-basics');
  assert.deepEqual(got.tags, { course: 'apim' });
  assert.equal((await t.resources.resourceGroups.checkExistence('rg-basics')).body, true);
  assert.equal((await t.resources.resourceGroups.checkExistence('rg-none')).body, false);
  const names: string[] = [];
  for await (const group of t.resources.resourceGroups.list()) names.push(group.name ?? '');
  assert.deepEqual(names.sort(), ['rg-basics', 'rg-raw']);
});

test('a resource group cannot move to another location', async () => {
  const error = await armErrorOf(t.resources.resourceGroups.createOrUpdate('rg-basics', { location: 'eastus' }));
  assert.equal(error.statusCode, 409);
  assert.equal(error.code, 'InvalidResourceGroupLocation');
});

test('deleting a resource group is a long-running operation that deletes what it holds', async () => {
  await t.resources.resourceGroups.createOrUpdate('rg-gone', { location: 'eastus' });
  await t.workspaces.workspaces.beginCreateOrUpdateAndWait('rg-gone', 'ws-gone', { location: 'eastus' });
  const raw = await t.raw('DELETE', `/subscriptions/${t.subscriptionId}/resourcegroups/rg-gone?api-version=2025-04-01`);
  assert.equal(raw.status, 202);
  assert.match(String(raw.headers.location), /\/operationresults\//);
  const poll = await t.raw('GET', new URL(String(raw.headers.location)).pathname + new URL(String(raw.headers.location)).search);
  assert.equal(poll.status, 200);
  const error = await armErrorOf(t.workspaces.workspaces.get('rg-gone', 'ws-gone'));
  assert.equal(error.code, 'ResourceGroupNotFound');
  await t.resources.resourceGroups.createOrUpdate('rg-gone2', { location: 'eastus' });
  await t.resources.resourceGroups.beginDeleteAndWait('rg-gone2');
  assert.equal((await t.resources.resourceGroups.checkExistence('rg-gone2')).body, false);
  const missing = await armErrorOf(t.resources.resourceGroups.beginDeleteAndWait('rg-gone2'));
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.code, 'ResourceGroupNotFound');
});

test('api-version is required and checked', async () => {
  const path = `/subscriptions/${t.subscriptionId}/resourcegroups/rg-basics`;
  const none = await t.raw('GET', path);
  assert.equal(none.status, 400);
  assert.equal(none.json.error.code, 'MissingApiVersionParameter');
  const unknown = await t.raw('GET', `${path}?api-version=2099-01-01`);
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.code, 'InvalidApiVersionParameter');
  assert.match(unknown.json.error.message, /2025-04-01/);
  const provider = await t.raw('GET', `${path}/providers/Microsoft.ApiManagement/service/x?api-version=1999-01-01`);
  assert.equal(provider.json.error.code, 'NoRegisteredProviderFound');
});

test('bad bodies, names and locations get ARM errors that name the fix', async () => {
  const base = `/subscriptions/${t.subscriptionId}/resourcegroups`;
  const badJson = await t.raw('PUT', `${base}/rg-json?api-version=2025-04-01`, { body: '{"location": ' });
  assert.equal(badJson.status, 400);
  assert.equal(badJson.json.error.code, 'InvalidRequestContent');
  const array = await t.raw('PUT', `${base}/rg-json?api-version=2025-04-01`, { body: '[1,2]' });
  assert.equal(array.json.error.code, 'InvalidRequestContent');
  const name = await armErrorOf(t.resources.resourceGroups.createOrUpdate('bad name!', { location: 'eastus' }));
  assert.equal(name.statusCode, 400);
  assert.equal(name.code, 'InvalidResourceGroup');
  const noLocation = await t.raw('PUT', `${base}/rg-x?api-version=2025-04-01`, { body: {} });
  assert.equal(noLocation.json.error.code, 'LocationRequired');
  const typo = await armErrorOf(t.resources.resourceGroups.createOrUpdate('rg-x', { location: 'westeuroep' }));
  assert.equal(typo.code, 'LocationNotAvailableForResourceType');
  const badSub = await t.raw('PUT', `/subscriptions/not-a-guid/resourcegroups/rg?api-version=2025-04-01`, { body: { location: 'eastus' } });
  assert.equal(badSub.json.error.code, 'InvalidSubscriptionId');
});

test('unknown routes and methods are refused plainly; a missing group is ResourceGroupNotFound', async () => {
  const unknown = await t.raw('GET', `/subscriptions/${t.subscriptionId}/resourceGroups/rg-basics/providers/Microsoft.Web/sites/x?api-version=2024-04-01`);
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.code, 'InvalidResourceType');
  const method = await t.raw('POST', `/subscriptions/${t.subscriptionId}/resourcegroups/rg-basics?api-version=2025-04-01`);
  assert.equal(method.status, 405);
  const error = await armErrorOf(t.resources.resourceGroups.get('rg-missing'));
  assert.equal(error.statusCode, 404);
  assert.equal(error.code, 'ResourceGroupNotFound');
  const child = await armErrorOf(t.apim.apiManagementService.get('rg-missing', 'svc'));
  assert.equal(child.code, 'ResourceGroupNotFound');
});

test('the subscription answers with the sandbox tenant', async () => {
  const sub = await t.raw('GET', `/subscriptions/${t.subscriptionId}?api-version=2022-12-01`, { headers: { 'x-ms-client-request-id': 'trace-1' } });
  assert.equal(sub.status, 200);
  assert.equal(sub.headers['x-ms-client-request-id'], 'trace-1');
  assert.match(String(sub.headers['x-ms-request-id']), /^[0-9a-f-]{36}$/);
  assert.equal(sub.json.subscriptionId, t.subscriptionId);
  assert.equal(sub.json.state, 'Enabled');
});

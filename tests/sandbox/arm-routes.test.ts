/**
 * The remaining ARM routes, each through its SDK method: resource group tags, API and entity
 * PATCH, operation create/delete and operation-scope policies, service policy read and list,
 * entity-tag HEADs, listings, key regeneration, API, workspace and component deletion, role
 * definitions by id, and deleted-account listing.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { armErrorOf, startTestSandbox, type TestSandbox } from './arm-harness.ts';

let t: TestSandbox;
const rg = 'rg-routes';
const svc = 'apim-routes';
before(async () => {
  t = await startTestSandbox();
  await t.resources.resourceGroups.createOrUpdate(rg, { location: 'eastus' });
  await t.apim.apiManagementService.beginCreateOrUpdateAndWait(rg, svc, { location: 'eastus', sku: { name: 'Developer', capacity: 1 }, publisherEmail: 'a@b.c', publisherName: 'A' });
  await t.apim.api.beginCreateOrUpdateAndWait(rg, svc, 'echo', { path: 'echo', displayName: 'Echo', protocols: ['https'], serviceUrl: 'https://echo.example' });
});
after(async () => {
  await t.close();
});

async function names<T extends { name?: string }>(items: AsyncIterable<T>): Promise<string[]> {
  const result: string[] = [];
  for await (const item of items) result.push(item.name ?? '');
  return result.sort();
}

test('resource group tags are updated with PATCH', async () => {
  const updated = await t.resources.resourceGroups.update(rg, { tags: { stage: 'routes' } });
  assert.deepEqual(updated.tags, { stage: 'routes' });
  assert.equal(updated.location, 'eastus');
});

test('APIs: PATCH, list, entity tag, delete', async () => {
  const tag = await t.apim.api.getEntityTag(rg, svc, 'echo');
  assert.match(tag.eTag ?? '', /^"[0-9a-f]+"$/);
  const patched = await t.apim.api.update(rg, svc, 'echo', '*', { displayName: 'Echo service', subscriptionRequired: false });
  assert.equal(patched.displayName, 'Echo service');
  assert.equal(patched.path, 'echo');
  assert.equal(patched.subscriptionRequired, false);
  assert.equal((await armErrorOf(t.apim.api.update(rg, svc, 'nope', '*', { displayName: 'x' }))).statusCode, 404);
  await t.apim.api.beginCreateOrUpdateAndWait(rg, svc, 'temp', { path: 'temp', displayName: 'Temp', protocols: ['https'] });
  assert.deepEqual(await names(t.apim.api.listByService(rg, svc)), ['echo', 'temp']);
  await t.apim.api.beginDeleteAndWait(rg, svc, 'temp', '*');
  assert.deepEqual(await names(t.apim.api.listByService(rg, svc)), ['echo']);
});

test('operations are created by hand, checked, given operation-scope policies, and deleted', async () => {
  const op = await t.apim.apiOperation.createOrUpdate(rg, svc, 'echo', 'get-item', {
    displayName: 'Get item', method: 'get', urlTemplate: '/items/{id}', templateParameters: [{ name: 'id', type: 'string', required: true }],
  });
  assert.equal(op.method, 'GET');
  const undeclared = await armErrorOf(t.apim.apiOperation.createOrUpdate(rg, svc, 'echo', 'bad', { displayName: 'Bad', method: 'GET', urlTemplate: '/items/{id}' }));
  assert.equal(undeclared.code, 'ValidationError');
  const policy = await t.apim.apiOperationPolicy.createOrUpdate(rg, svc, 'echo', 'get-item', 'policy', { format: 'rawxml', value: '<policies><inbound><base /><set-header name="x-op" exists-action="override"><value>get-item</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>' });
  assert.equal(policy.type, 'Microsoft.ApiManagement/service/apis/operations/policies');
  assert.equal((await t.apim.apiOperationPolicy.listByOperation(rg, svc, 'echo', 'get-item')).value?.length, 1);
  const patched = await t.apim.apiOperation.update(rg, svc, 'echo', 'get-item', '*', { displayName: 'Get one item' });
  assert.equal(patched.displayName, 'Get one item');
  assert.equal(patched.urlTemplate, '/items/{id}');
  await t.apim.apiOperation.delete(rg, svc, 'echo', 'get-item', '*');
  assert.equal((await armErrorOf(t.apim.apiOperation.get(rg, svc, 'echo', 'get-item'))).message, 'Operation not found.');
  assert.equal((await armErrorOf(t.apim.apiOperationPolicy.get(rg, svc, 'echo', 'get-item', 'policy'))).statusCode, 404);
});

test('service-scope policy: read, list, entity tag, delete', async () => {
  await t.apim.policy.createOrUpdate(rg, svc, 'policy', { format: 'rawxml', value: '<policies><inbound><set-header name="x-a" exists-action="override"><value>1</value></set-header></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>' });
  assert.match((await t.apim.policy.get(rg, svc, 'policy')).id ?? '', /\/service\/apim-routes\/policies\/policy$/);
  assert.deepEqual(await names(t.apim.policy.listByService(rg, svc)), ['policy']);
  assert.match((await t.apim.policy.getEntityTag(rg, svc, 'policy')).eTag ?? '', /^"/);
  await t.apim.policy.delete(rg, svc, 'policy', '*');
  assert.deepEqual(await names(t.apim.policy.listByService(rg, svc)), []);
  const wrongId = await t.raw('GET', `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ApiManagement/service/${svc}/policies/other?api-version=2024-05-01`);
  assert.equal(wrongId.status, 400);
});

test('subscriptions, loggers, named values and diagnostics: list, PATCH, regenerate, delete', async () => {
  await t.apim.subscription.createOrUpdate(rg, svc, 'team', { scope: '/apis', displayName: 'Team', state: 'active' });
  const before = await t.apim.subscription.listSecrets(rg, svc, 'team');
  await t.apim.subscription.regeneratePrimaryKey(rg, svc, 'team');
  const after = await t.apim.subscription.listSecrets(rg, svc, 'team');
  assert.notEqual(after.primaryKey, before.primaryKey);
  assert.equal(after.secondaryKey, before.secondaryKey);
  const suspended = await t.apim.subscription.update(rg, svc, 'team', '*', { state: 'suspended' });
  assert.equal(suspended.state, 'suspended');
  assert.equal((await t.apim.subscription.listSecrets(rg, svc, 'team')).primaryKey, after.primaryKey, 'PATCH keeps the keys');
  assert.deepEqual(await names(t.apim.subscription.list(rg, svc)), ['master', 'team']);

  await t.apim.namedValue.beginCreateOrUpdateAndWait(rg, svc, 'token', { displayName: 'token', value: 'abc', secret: true });
  const tagged = await t.apim.namedValue.beginUpdateAndWait(rg, svc, 'token', '*', { tags: ['x'] });
  assert.deepEqual(tagged.tags, ['x']);
  assert.equal(tagged.value, undefined);
  assert.equal((await t.apim.namedValue.listValue(rg, svc, 'token')).value, 'abc');

  const logger = await t.apim.logger.createOrUpdate(rg, svc, 'ai', { loggerType: 'applicationInsights', credentials: { instrumentationKey: 'k-123' } });
  const described = await t.apim.logger.update(rg, svc, 'ai', '*', { description: 'App Insights' });
  assert.equal(described.description, 'App Insights');
  assert.equal(described.credentials?.instrumentationKey, logger.credentials?.instrumentationKey);
  assert.ok(!JSON.stringify(described).includes('k-123'));
  assert.ok((await names(t.apim.logger.listByService(rg, svc))).includes('ai'));
  await t.apim.diagnostic.createOrUpdate(rg, svc, 'applicationinsights', { loggerId: '/loggers/ai', metrics: true });
  assert.deepEqual(await names(t.apim.diagnostic.listByService(rg, svc)), ['applicationinsights']);
  await t.apim.apiDiagnostic.createOrUpdate(rg, svc, 'echo', 'applicationinsights', { loggerId: '/loggers/ai' });
  assert.deepEqual(await names(t.apim.apiDiagnostic.listByService(rg, svc, 'echo')), ['applicationinsights']);
  await t.apim.apiDiagnostic.delete(rg, svc, 'echo', 'applicationinsights', '*');
  await t.apim.diagnostic.delete(rg, svc, 'applicationinsights', '*');
  await t.apim.logger.delete(rg, svc, 'ai', '*');
  assert.equal((await armErrorOf(t.apim.logger.get(rg, svc, 'ai'))).message, 'Logger not found.');
  await t.apim.subscription.delete(rg, svc, 'team', '*');
  assert.deepEqual(await names(t.apim.subscription.list(rg, svc)), ['master']);
});

test('services listed by group and subscription; workspaces and components listed and deleted', async () => {
  assert.deepEqual(await names(t.apim.apiManagementService.listByResourceGroup(rg)), [svc]);
  assert.deepEqual(await names(t.apim.apiManagementService.list()), [svc]);
  const ws = await t.workspaces.workspaces.beginCreateOrUpdateAndWait(rg, 'ws-routes', { location: 'eastus' });
  assert.deepEqual(await names(t.workspaces.workspaces.listByResourceGroup(rg)), ['ws-routes']);
  const component = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Insights/components/ai-routes`;
  await t.resources.resources.beginCreateOrUpdateByIdAndWait(component, '2020-02-02', { location: 'eastus', kind: 'web', properties: { Application_Type: 'web', WorkspaceResourceId: ws.id } });
  const listed = await t.raw('GET', `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Insights/components?api-version=2020-02-02`);
  assert.deepEqual(listed.json.value.map((c: { name: string }) => c.name), ['ai-routes']);
  await t.resources.resources.beginDeleteByIdAndWait(component, '2020-02-02');
  assert.equal((await t.raw('GET', `${component}?api-version=2020-02-02`)).status, 404);
  await t.workspaces.workspaces.beginDeleteAndWait(rg, 'ws-routes');
  assert.equal((await armErrorOf(t.workspaces.workspaces.get(rg, 'ws-routes'))).statusCode, 404);
});

test('role definitions by id; deleted accounts listed', async () => {
  const scope = `/subscriptions/${t.subscriptionId}`;
  const role = await t.authorization.roleDefinitions.get(scope, '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd');
  assert.equal(role.roleName, 'Cognitive Services OpenAI User');
  assert.equal((await armErrorOf(t.authorization.roleDefinitions.get(scope, '00000000-0000-0000-0000-000000000000'))).statusCode, 404);
  await t.cognitive.accounts.beginCreateAndWait(rg, 'aoai-routes', { location: 'eastus', kind: 'OpenAI', sku: { name: 'S0' }, properties: { customSubDomainName: 'aoai-routes-1' } });
  await t.cognitive.accounts.beginDeleteAndWait(rg, 'aoai-routes');
  assert.deepEqual(await names(t.cognitive.deletedAccounts.list()), ['aoai-routes']);
});

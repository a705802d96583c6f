/**
 * Azure OpenAI accounts and deployments through `@azure/arm-cognitiveservices`: long-running
 * create with the sandbox endpoint, keys, deployments (create, idempotent re-PUT, list, errors),
 * subdomain uniqueness, and soft-delete with restore and purge.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { armErrorOf, startTestSandbox, type TestSandbox } from './arm-harness.ts';

let t: TestSandbox;
const rg = 'rg-aoai';
before(async () => {
  t = await startTestSandbox();
  await t.resources.resourceGroups.createOrUpdate(rg, { location: 'swedencentral' });
});
after(async () => {
  await t.close();
});

const account = (subdomain: string) => ({ location: 'swedencentral', kind: 'OpenAI', sku: { name: 'S0' }, identity: { type: 'SystemAssigned' as const }, properties: { customSubDomainName: subdomain, publicNetworkAccess: 'Enabled' } });

test('an OpenAI account is created as a long-running operation, with the sandbox endpoint, identity and keys', async () => {
  const raw = await t.raw('PUT', `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.CognitiveServices/accounts/aoai-raw?api-version=2025-09-01`, { body: account('aoai-raw-sub') });
  assert.equal(raw.status, 201);
  assert.equal(raw.json.properties.provisioningState, 'Creating');
  assert.match(String(raw.headers['azure-asyncoperation']), /operationstatuses/);
  assert.equal(raw.json.key1, undefined);
  const created = await t.cognitive.accounts.beginCreateAndWait(rg, 'aoai-lab', account('aoai-lab-x1'));
  assert.equal(created.properties?.provisioningState, 'Succeeded');
  assert.equal(created.properties?.endpoint, `${t.sandbox.url}/aoai/aoai-lab-x1/`);
  assert.equal(created.kind, 'OpenAI');
  assert.match(created.identity?.principalId ?? '', /^[0-9a-f-]{36}$/);
  const again = await t.cognitive.accounts.beginCreateAndWait(rg, 'aoai-lab', account('aoai-lab-x1'));
  assert.equal(again.identity?.principalId, created.identity?.principalId);
  const keys = await t.cognitive.accounts.listKeys(rg, 'aoai-lab');
  assert.match(keys.key1 ?? '', /^[0-9a-f]{32}$/);
  assert.notEqual(keys.key1, keys.key2);
  const regenerated = await t.cognitive.accounts.regenerateKey(rg, 'aoai-lab', 'Key2');
  assert.equal(regenerated.key1, keys.key1);
  assert.notEqual(regenerated.key2, keys.key2);
  const listed: string[] = [];
  for await (const item of t.cognitive.accounts.listByResourceGroup(rg)) listed.push(item.name ?? '');
  assert.deepEqual(listed.sort(), ['aoai-lab', 'aoai-raw']);
});

test('account errors: bad kind, taken subdomain, bad name, missing account', async () => {
  const kind = await armErrorOf(t.cognitive.accounts.beginCreateAndWait(rg, 'aoai-k', { ...account('k-1'), kind: 'Banana' }));
  assert.equal(kind.code, 'InvalidKind');
  const taken = await armErrorOf(t.cognitive.accounts.beginCreateAndWait(rg, 'aoai-other', account('AOAI-LAB-X1')));
  assert.equal(taken.statusCode, 409);
  assert.equal(taken.code, 'CustomDomainInUse');
  const name = await t.raw('PUT', `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.CognitiveServices/accounts/-bad?api-version=2025-09-01`, { body: account('bad-1') });
  assert.equal(name.json.error.code, 'InvalidResourceName');
  const missing = await armErrorOf(t.cognitive.accounts.get(rg, 'nope'));
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.code, 'ResourceNotFound');
});

test('deployments are created, re-PUT idempotently, listed, and refused for unknown models', async () => {
  const body = { sku: { name: 'GlobalStandard', capacity: 30 }, properties: { model: { format: 'OpenAI', name: 'gpt-4o-mini', version: '2024-07-18' } } };
  const deployment = await t.cognitive.deployments.beginCreateOrUpdateAndWait(rg, 'aoai-lab', 'gpt-4o-mini', body);
  assert.equal(deployment.properties?.provisioningState, 'Succeeded');
  assert.equal(deployment.sku?.capacity, 30);
  assert.deepEqual(deployment.properties?.rateLimits?.find((r) => r.key === 'token'), { key: 'token', renewalPeriod: 60, count: 30000 });
  const again = await t.cognitive.deployments.beginCreateOrUpdateAndWait(rg, 'aoai-lab', 'gpt-4o-mini', body);
  assert.equal(again.properties?.model?.version, '2024-07-18');
  await t.cognitive.deployments.beginCreateOrUpdateAndWait(rg, 'aoai-lab', 'embed', { sku: { name: 'Standard', capacity: 5 }, properties: { model: { format: 'OpenAI', name: 'text-embedding-3-small' } } });
  const embed = await t.cognitive.deployments.get(rg, 'aoai-lab', 'embed');
  assert.equal(embed.properties?.model?.version, '1');
  const names: string[] = [];
  for await (const item of t.cognitive.deployments.list(rg, 'aoai-lab')) names.push(item.name ?? '');
  assert.deepEqual(names.sort(), ['embed', 'gpt-4o-mini']);
  const unknown = await armErrorOf(t.cognitive.deployments.beginCreateOrUpdateAndWait(rg, 'aoai-lab', 'x1', { sku: { name: 'Standard', capacity: 1 }, properties: { model: { format: 'OpenAI', name: 'gpt-9' } } }));
  assert.equal(unknown.code, 'DeploymentModelNotSupported');
  const noSku = await armErrorOf(t.cognitive.deployments.beginCreateOrUpdateAndWait(rg, 'aoai-lab', 'x', { properties: { model: { format: 'OpenAI', name: 'gpt-4o' } } }));
  assert.equal(noSku.statusCode, 400);
  const missing = await armErrorOf(t.cognitive.deployments.get(rg, 'aoai-lab', 'nope'));
  assert.equal(missing.code, 'DeploymentNotFound');
  await t.cognitive.deployments.beginDeleteAndWait(rg, 'aoai-lab', 'embed');
  assert.equal((await armErrorOf(t.cognitive.deployments.get(rg, 'aoai-lab', 'embed'))).statusCode, 404);
});

test('a deleted account is soft-deleted: its name is held, it can be restored, then purged', async () => {
  await t.cognitive.accounts.beginCreateAndWait(rg, 'aoai-soft', account('aoai-soft-1'));
  await t.cognitive.deployments.beginCreateOrUpdateAndWait(rg, 'aoai-soft', 'chat', { sku: { name: 'Standard', capacity: 1 }, properties: { model: { format: 'OpenAI', name: 'gpt-4o' } } });
  await t.cognitive.accounts.beginDeleteAndWait(rg, 'aoai-soft');
  assert.equal((await armErrorOf(t.cognitive.accounts.get(rg, 'aoai-soft'))).statusCode, 404);
  const deleted = await t.cognitive.deletedAccounts.get('swedencentral', rg, 'aoai-soft');
  assert.equal(deleted.name, 'aoai-soft');
  const all: string[] = [];
  for await (const item of t.cognitive.deletedAccounts.list()) all.push(item.name ?? '');
  assert.ok(all.includes('aoai-soft'));
  const conflict = await armErrorOf(t.cognitive.accounts.beginCreateAndWait(rg, 'aoai-soft', account('aoai-soft-1')));
  assert.equal(conflict.statusCode, 409);
  assert.equal(conflict.code, 'FlagMustBeSetForRestore');
  const subdomain = await armErrorOf(t.cognitive.accounts.beginCreateAndWait(rg, 'aoai-soft2', account('aoai-soft-1')));
  assert.equal(subdomain.code, 'CustomDomainInUse');
  const restored = await t.cognitive.accounts.beginCreateAndWait(rg, 'aoai-soft', { ...account('aoai-soft-1'), properties: { restore: true } });
  assert.equal(restored.properties?.endpoint, `${t.sandbox.url}/aoai/aoai-soft-1/`);
  assert.equal((await t.cognitive.deployments.get(rg, 'aoai-soft', 'chat')).name, 'chat');
  await t.cognitive.accounts.beginDeleteAndWait(rg, 'aoai-soft');
  await t.cognitive.accounts.beginDeleteAndWait(rg, 'aoai-soft');
  await t.cognitive.deletedAccounts.beginPurgeAndWait('swedencentral', rg, 'aoai-soft');
  assert.equal((await armErrorOf(t.cognitive.deletedAccounts.get('swedencentral', rg, 'aoai-soft'))).statusCode, 404);
  const fresh = await t.cognitive.accounts.beginCreateAndWait(rg, 'aoai-soft', account('aoai-soft-1'));
  assert.equal(fresh.properties?.provisioningState, 'Succeeded');
});

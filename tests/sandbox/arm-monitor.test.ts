/**
 * Log Analytics workspaces (`@azure/arm-operationalinsights`), Application Insights components
 * (generic ARM PUT with api-version 2020-02-02, the way labs send `CustomMetricsOptedInType`), and
 * role assignments at a resource scope (`@azure/arm-authorization`).
 */
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { armErrorOf, startTestSandbox, type TestSandbox } from './arm-harness.ts';

let t: TestSandbox;
const rg = 'rg-monitor';
before(async () => {
  t = await startTestSandbox();
  await t.resources.resourceGroups.createOrUpdate(rg, { location: 'eastus' });
});
after(async () => {
  await t.close();
});

test('a workspace is created as a long-running operation and carries its customerId', async () => {
  const raw = await t.raw('PUT', `/subscriptions/${t.subscriptionId}/resourcegroups/${rg}/providers/Microsoft.OperationalInsights/workspaces/ws-raw?api-version=2025-02-01`, { body: { location: 'eastus', properties: { sku: { name: 'PerGB2018' } } } });
  assert.equal(raw.status, 201);
  assert.equal(raw.json.properties.provisioningState, 'Creating');
  assert.match(raw.json.properties.customerId, /^[0-9a-f-]{36}$/);
  const ws = await t.workspaces.workspaces.beginCreateOrUpdateAndWait(rg, 'ws-lab', { location: 'eastus', sku: { name: 'PerGB2018' }, retentionInDays: 30 });
  assert.equal(ws.provisioningState, 'Succeeded');
  assert.match(ws.customerId ?? '', /^[0-9a-f-]{36}$/);
  const again = await t.workspaces.workspaces.beginCreateOrUpdateAndWait(rg, 'ws-lab', { location: 'eastus', sku: { name: 'PerGB2018' }, retentionInDays: 60 });
  assert.equal(again.customerId, ws.customerId);
  assert.equal(again.retentionInDays, 60);
  const retention = await armErrorOf(t.workspaces.workspaces.beginCreateOrUpdateAndWait(rg, 'ws-bad', { location: 'eastus', retentionInDays: 5000 }));
  assert.equal(retention.statusCode, 400);
  const name = await t.raw('PUT', `/subscriptions/${t.subscriptionId}/resourcegroups/${rg}/providers/Microsoft.OperationalInsights/workspaces/ws?api-version=2022-10-01`, { body: { location: 'eastus' } });
  assert.equal(name.json.error.code, 'InvalidResourceName');
});

test('an Application Insights component is a synchronous PUT that keeps CustomMetricsOptedInType and WorkspaceResourceId', async () => {
  const ws = await t.workspaces.workspaces.get(rg, 'ws-lab');
  const id = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Insights/components/ai-lab`;
  const body = { location: 'eastus', kind: 'web', properties: { Application_Type: 'web', WorkspaceResourceId: ws.id, CustomMetricsOptedInType: 'WithDimensions' } };
  const raw = await t.raw('PUT', `${id}?api-version=2020-02-02`, { body });
  assert.equal(raw.status, 200);
  assert.equal(raw.headers['azure-asyncoperation'], undefined);
  const p = raw.json.properties;
  assert.equal(p.provisioningState, 'Succeeded');
  assert.equal(p.CustomMetricsOptedInType, 'WithDimensions');
  assert.equal(p.WorkspaceResourceId, ws.id);
  assert.match(p.AppId, /^[0-9a-f-]{36}$/);
  assert.match(p.InstrumentationKey, /^[0-9a-f-]{36}$/);
  assert.ok(p.ConnectionString.startsWith(`InstrumentationKey=${p.InstrumentationKey};`));
  const generic = await t.resources.resources.beginCreateOrUpdateByIdAndWait(id, '2020-02-02', body);
  assert.equal((generic.properties as Record<string, unknown>).InstrumentationKey, p.InstrumentationKey);
  const read = await t.resources.resources.getById(id, '2020-02-02');
  assert.equal((read.properties as Record<string, unknown>).AppId, p.AppId);
  const camel = await t.raw('PUT', `${id}?api-version=2020-02-02`, { body: { location: 'eastus', kind: 'web', properties: { Application_Type: 'web', workspaceResourceId: ws.id, customMetricsOptedInType: 'WithoutDimensions' } } });
  assert.equal(camel.json.properties.CustomMetricsOptedInType, 'WithoutDimensions');
  assert.equal(camel.json.properties.AppId, p.AppId);
});

test('component errors: no workspace, a workspace that does not exist, a missing Application_Type', async () => {
  const id = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Insights/components/ai-bad`;
  const noWorkspace = await t.raw('PUT', `${id}?api-version=2020-02-02`, { body: { location: 'eastus', kind: 'web', properties: { Application_Type: 'web' } } });
  assert.equal(noWorkspace.status, 400);
  assert.match(noWorkspace.json.error.message, /WorkspaceResourceId/);
  const wrong = await t.raw('PUT', `${id}?api-version=2020-02-02`, { body: { location: 'eastus', kind: 'web', properties: { Application_Type: 'web', WorkspaceResourceId: `${id}-ws` } } });
  assert.match(wrong.json.error.message, /does not name an existing Log Analytics workspace/);
  const type = await t.raw('PUT', `${id}?api-version=2020-02-02`, { body: { location: 'eastus', kind: 'web', properties: {} } });
  assert.match(type.json.error.message, /Application_Type/);
  const legacy = await t.raw('PUT', `${id}?api-version=2018-05-01-preview`, { body: { location: 'eastus', kind: 'web', properties: { Application_Type: 'web' } } });
  assert.equal(legacy.status, 200);
  const missing = await t.raw('GET', `${id}-none?api-version=2020-02-02`);
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'ResourceNotFound');
});

test('role assignments at an account scope: create, read, list, duplicate, unknown principal or role, delete', async () => {
  const account = await t.cognitive.accounts.beginCreateAndWait(rg, 'aoai-roles', { location: 'eastus', kind: 'OpenAI', sku: { name: 'S0' }, properties: { customSubDomainName: 'aoai-roles-1' } });
  await t.resources.resourceGroups.createOrUpdate('rg-apim-roles', { location: 'eastus' });
  const apim = await t.apim.apiManagementService.beginCreateOrUpdateAndWait('rg-apim-roles', 'apim-roles', { location: 'eastus', sku: { name: 'Consumption', capacity: 0 }, identity: { type: 'SystemAssigned' }, publisherEmail: 'a@b.c', publisherName: 'A' });
  const scope = account.id ?? '';
  const roleDefinitionId = `/subscriptions/${t.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/5e0bd9bd-7b93-4f28-af87-19fc36ad61bd`;
  const name = randomUUID();
  const created = await t.authorization.roleAssignments.create(scope, name, { roleDefinitionId, principalId: apim.identity?.principalId ?? '', principalType: 'ServicePrincipal' });
  assert.equal(created.id, `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`);
  assert.equal(created.scope, scope);
  assert.equal((await t.authorization.roleAssignments.get(scope, name)).principalId, apim.identity?.principalId);
  const listed: string[] = [];
  for await (const item of t.authorization.roleAssignments.listForScope(scope)) listed.push(item.name ?? '');
  assert.deepEqual(listed, [name]);
  const duplicate = await armErrorOf(t.authorization.roleAssignments.create(scope, randomUUID(), { roleDefinitionId, principalId: apim.identity?.principalId ?? '' }));
  assert.equal(duplicate.statusCode, 409);
  assert.equal(duplicate.code, 'RoleAssignmentExists');
  const stranger = await armErrorOf(t.authorization.roleAssignments.create(scope, randomUUID(), { roleDefinitionId, principalId: randomUUID() }));
  assert.equal(stranger.code, 'PrincipalNotFound');
  const role = await armErrorOf(t.authorization.roleAssignments.create(scope, randomUUID(), { roleDefinitionId: roleDefinitionId.replace('5e0bd9bd', '00000000'), principalId: apim.identity?.principalId ?? '' }));
  assert.equal(role.code, 'RoleDefinitionDoesNotExist');
  const badName = await t.raw('PUT', `${scope}/providers/Microsoft.Authorization/roleAssignments/not-a-guid?api-version=2022-04-01`, { body: { properties: { roleDefinitionId, principalId: apim.identity?.principalId } } });
  assert.equal(badName.json.error.code, 'InvalidRoleAssignmentId');
  const defs: string[] = [];
  for await (const def of t.authorization.roleDefinitions.list(scope, { filter: "roleName eq 'Cognitive Services OpenAI User'" })) defs.push(def.name ?? '');
  assert.deepEqual(defs, ['5e0bd9bd-7b93-4f28-af87-19fc36ad61bd']);
  await t.authorization.roleAssignments.delete(scope, name);
  assert.equal((await armErrorOf(t.authorization.roleAssignments.get(scope, name))).statusCode, 404);
  const noScope = await armErrorOf(t.authorization.roleAssignments.create(`${scope}-none`, randomUUID(), { roleDefinitionId, principalId: apim.identity?.principalId ?? '' }));
  assert.equal(noScope.statusCode, 404);
});

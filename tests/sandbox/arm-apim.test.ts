/**
 * API Management through `@azure/arm-apimanagement`: the service (long-running `Created` →
 * `Succeeded`, identity, gateway URL, built-in `master` subscription), API import from inline
 * OpenAPI (JSON and YAML) creating operations, policies at API and service scope with validation,
 * backends, named values, subscriptions, loggers, diagnostics at both scopes, and soft-delete.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { armErrorOf, startTestSandbox, type TestSandbox } from './arm-harness.ts';

let t: TestSandbox;
const rg = 'rg-apim';
const svc = 'apim-lab-test';
const base = () => `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ApiManagement/service/${svc}`;
const openAiSpec = readFileSync(new URL('../../labs/specs/azure-openai-inference.json', import.meta.url), 'utf8');
const tokenPolicy = readFileSync(new URL('../../labs/policies/openai-api-token-metrics.xml', import.meta.url), 'utf8');

before(async () => {
  t = await startTestSandbox();
  await t.resources.resourceGroups.createOrUpdate(rg, { location: 'westeurope' });
});
after(async () => {
  await t.close();
});

const serviceBody = { location: 'westeurope', sku: { name: 'BasicV2', capacity: 1 }, identity: { type: 'SystemAssigned' as const }, publisherEmail: 'course@example.com', publisherName: 'Course' };

test('the service is created Created → Succeeded with identity, gateway URL and the master subscription', async () => {
  const raw = await t.raw('PUT', `${base()}?api-version=2024-05-01`, { body: { location: 'westeurope', sku: { name: 'BasicV2', capacity: 1 }, identity: { type: 'SystemAssigned' }, properties: { publisherEmail: 'a@b.c', publisherName: 'A' } } });
  assert.equal(raw.status, 201);
  assert.equal(raw.json.properties.provisioningState, 'Created');
  assert.equal(raw.json.properties.targetProvisioningState, 'Activating');
  assert.match(String(raw.headers['azure-asyncoperation']), /operationstatuses/);
  const service = await t.apim.apiManagementService.beginCreateOrUpdateAndWait(rg, svc, serviceBody);
  assert.equal(service.provisioningState, 'Succeeded');
  assert.equal(service.gatewayUrl, `${t.sandbox.url}/apim/${svc}`);
  assert.equal(service.location, 'West Europe');
  assert.equal(service.identity?.principalId, raw.json.identity.principalId);
  const master = await t.apim.subscription.get(rg, svc, 'master');
  assert.equal(master.state, 'active');
  const keys = await t.apim.subscription.listSecrets(rg, svc, 'master');
  assert.match(keys.primaryKey ?? '', /^[0-9a-f]{32}$/);
  assert.equal(master.primaryKey, undefined);
});

test('service validation: Consumption needs capacity 0, names follow APIM rules, names are global', async () => {
  const capacity = await armErrorOf(t.apim.apiManagementService.beginCreateOrUpdateAndWait(rg, 'apim-c', { ...serviceBody, sku: { name: 'Consumption', capacity: 1 } }));
  assert.equal(capacity.code, 'ValidationError');
  const email = await armErrorOf(t.apim.apiManagementService.beginCreateOrUpdateAndWait(rg, 'apim-c', { ...serviceBody, publisherEmail: 'nope' }));
  assert.equal(email.statusCode, 400);
  const name = await t.raw('PUT', `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ApiManagement/service/9bad?api-version=2024-05-01`, { body: {} });
  assert.equal(name.json.error.code, 'InvalidResourceName');
  await t.resources.resourceGroups.createOrUpdate('rg-other', { location: 'westeurope' });
  const taken = await armErrorOf(t.apim.apiManagementService.beginCreateOrUpdateAndWait('rg-other', svc, serviceBody));
  assert.equal(taken.statusCode, 409);
});

test('an inline OpenAPI JSON import creates one operation per operationId; a re-import is idempotent', async () => {
  const spec = JSON.parse(openAiSpec) as { paths: Record<string, Record<string, { operationId?: string }>> };
  const expected = Object.values(spec.paths).flatMap((item) => Object.values(item).map((op) => op.operationId).filter(Boolean)).sort();
  const body = { format: 'openapi+json' as const, value: openAiSpec, path: 'openai', displayName: 'Azure OpenAI', protocols: ['https' as const], subscriptionKeyParameterNames: { header: 'api-key', query: 'api-key' } };
  const api = await t.apim.api.beginCreateOrUpdateAndWait(rg, svc, 'openai', body);
  assert.equal(api.path, 'openai');
  assert.deepEqual(api.subscriptionKeyParameterNames, { header: 'api-key', query: 'api-key' });
  const names: string[] = [];
  for await (const op of t.apim.apiOperation.listByApi(rg, svc, 'openai')) names.push(op.name ?? '');
  assert.deepEqual(names.sort(), expected);
  const chat = await t.apim.apiOperation.get(rg, svc, 'openai', 'ChatCompletions_Create');
  assert.equal(chat.method, 'POST');
  assert.equal(chat.urlTemplate, '/deployments/{deployment-id}/chat/completions?api-version={api-version}');
  await t.apim.api.beginCreateOrUpdateAndWait(rg, svc, 'openai', body);
  let count = 0;
  for await (const _op of t.apim.apiOperation.listByApi(rg, svc, 'openai')) count++;
  assert.equal(count, expected.length);
  const page = await t.raw('GET', `${base()}/apis/openai/operations?api-version=2024-05-01&$top=1`);
  assert.equal(page.json.value.length, 1);
  assert.match(page.json.nextLink, /\$skip=1/);
});

test('YAML import works; link formats and broken documents get clear 400s; paths must be unique', async () => {
  const yaml = 'openapi: 3.0.1\ninfo:\n  title: Pets\npaths:\n  /pets/{id}:\n    get:\n      operationId: getPet\n      parameters:\n        - { name: id, in: path, required: true, schema: { type: integer } }\n      responses:\n        "200": { description: OK }\n';
  const pets = await t.apim.api.beginCreateOrUpdateAndWait(rg, svc, 'pets', { format: 'openapi', value: yaml, path: 'pets' });
  assert.equal(pets.displayName, 'Pets');
  const op = await t.apim.apiOperation.get(rg, svc, 'pets', 'getPet');
  assert.equal(op.urlTemplate, '/pets/{id}');
  assert.equal(op.templateParameters?.[0]?.type, 'integer');
  const link = await armErrorOf(t.apim.api.beginCreateOrUpdateAndWait(rg, svc, 'linked', { format: 'openapi+json-link', value: 'https://example.com/spec.json', path: 'linked' }));
  assert.equal(link.statusCode, 400);
  assert.match(link.message, /One or more fields/);
  const raw = await t.raw('PUT', `${base()}/apis/linked?api-version=2024-05-01`, { body: { properties: { format: 'openapi-link', value: 'https://example.com/s.yaml', path: 'linked' } } });
  assert.match(raw.json.error.details[0].message, /inline/);
  const broken = await t.raw('PUT', `${base()}/apis/broken?api-version=2024-05-01`, { body: { properties: { format: 'openapi+json', value: '{"openapi": ', path: 'broken' } } });
  assert.equal(broken.status, 400);
  assert.match(broken.json.error.details[0].message, /Parsing error/);
  const clash = await armErrorOf(t.apim.api.beginCreateOrUpdateAndWait(rg, svc, 'other', { path: 'openai', displayName: 'Other', protocols: ['https'] }));
  assert.equal(clash.code, 'ValidationError');
  const missing = await armErrorOf(t.apim.api.get(rg, svc, 'nope'));
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.message, 'Api not found.');
});

test('backends, secret named values and policies referencing them', async () => {
  const backend = await t.apim.backend.createOrUpdate(rg, svc, 'openai-backend', { url: `${t.sandbox.url}/aoai/x/openai`, protocol: 'http', description: 'AOAI' });
  assert.equal(backend.url, `${t.sandbox.url}/aoai/x/openai`);
  const badBackend = await armErrorOf(t.apim.backend.createOrUpdate(rg, svc, 'b2', { url: 'not a url', protocol: 'http' }));
  assert.equal(badBackend.code, 'ValidationError');
  const named = await t.apim.namedValue.beginCreateOrUpdateAndWait(rg, svc, 'aoai-key', { displayName: 'aoai-key', value: 's3cret', secret: true });
  assert.equal(named.value, undefined);
  assert.equal((await t.apim.namedValue.listValue(rg, svc, 'aoai-key')).value, 's3cret');
  const plain = await t.apim.namedValue.beginCreateOrUpdateAndWait(rg, svc, 'region', { displayName: 'region', value: 'westeurope' });
  assert.equal(plain.value, 'westeurope');

  const policy = await t.apim.apiPolicy.createOrUpdate(rg, svc, 'openai', 'policy', { format: 'rawxml', value: tokenPolicy });
  assert.equal(policy.name, 'policy');
  const listed = (await t.apim.apiPolicy.listByApi(rg, svc, 'openai')).value ?? [];
  assert.equal(listed.length, 1);
  assert.equal(listed[0].value, tokenPolicy);
  const raw = await t.raw('GET', `${base()}/apis/openai/policies/policy?api-version=2024-05-01&format=rawxml`);
  assert.equal(raw.json.properties.value, tokenPolicy);
  assert.equal(raw.json.type, 'Microsoft.ApiManagement/service/apis/policies');
  const service = await t.apim.policy.createOrUpdate(rg, svc, 'policy', { format: 'xml', value: '<policies><inbound><set-header name="x-region" exists-action="override"><value>{{region}}</value></set-header></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>' });
  assert.equal(service.name, 'policy');
});

test('policies are validated on save: malformed XML, unknown elements, missing backends and named values', async () => {
  const malformed = await t.raw('PUT', `${base()}/apis/openai/policies/policy?api-version=2024-05-01`, { body: { properties: { format: 'rawxml', value: '<policies><inbound><base />\n</policies>' } } });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.json.error.code, 'ValidationError');
  assert.match(malformed.json.error.details[0].message, /line \d+, column \d+/);
  const unknown = await t.raw('PUT', `${base()}/apis/openai/policies/policy?api-version=2024-05-01`, { body: { properties: { format: 'rawxml', value: '<policies><inbound><base /><make-coffee /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>' } } });
  assert.equal(unknown.status, 400);
  assert.match(unknown.json.error.details.map((d: { message: string }) => d.message).join(' '), /make-coffee/);
  const noBackend = await armErrorOf(t.apim.apiPolicy.createOrUpdate(rg, svc, 'openai', 'policy', { format: 'rawxml', value: tokenPolicy.replace('openai-backend', 'missing-backend') }));
  assert.equal(noBackend.code, 'ValidationError');
  const details = JSON.stringify((noBackend as unknown as { message: string }).message);
  assert.ok(details.length > 0);
  const raw = await t.raw('PUT', `${base()}/policies/policy?api-version=2024-05-01`, { body: { properties: { format: 'rawxml', value: '<policies><inbound><set-header name="a" exists-action="override"><value>{{nope}}</value></set-header></inbound><backend><forward-request /></backend><outbound /><on-error /></policies>' } } });
  assert.equal(raw.status, 400);
  assert.match(raw.json.error.details[0].message, /named value 'nope'/);
  const link = await t.raw('PUT', `${base()}/policies/policy?api-version=2024-05-01`, { body: { properties: { format: 'rawxml-link', value: 'https://example.com/p.xml' } } });
  assert.match(link.json.error.details[0].message, /offline/);
  const stored = await t.raw('GET', `${base()}/apis/openai/policies/policy?api-version=2024-05-01`);
  assert.equal(stored.json.properties.value, tokenPolicy, 'a refused policy leaves the stored one untouched');
});

test('subscriptions default to submitted, keys come only from listSecrets, scopes are checked', async () => {
  const scope = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ApiManagement/service/${svc}/apis/openai`;
  const submitted = await t.apim.subscription.createOrUpdate(rg, svc, 'sub-submitted', { scope, displayName: 'Submitted' });
  assert.equal(submitted.state, 'submitted');
  const active = await t.apim.subscription.createOrUpdate(rg, svc, 'sub-team-a', { scope: '/apis/openai', displayName: 'Team A', state: 'active' });
  assert.equal(active.state, 'active');
  assert.equal(active.scope, scope, 'the scope is answered as its full resource id');
  assert.equal(active.primaryKey, undefined);
  const secrets = await t.apim.subscription.listSecrets(rg, svc, 'sub-team-a');
  assert.notEqual(secrets.primaryKey, secrets.secondaryKey);
  const again = await t.apim.subscription.createOrUpdate(rg, svc, 'sub-team-a', { scope: '/apis/openai', displayName: 'Team A', state: 'active' });
  assert.equal(again.createdDate?.toISOString(), active.createdDate?.toISOString());
  assert.equal((await t.apim.subscription.listSecrets(rg, svc, 'sub-team-a')).primaryKey, secrets.primaryKey);
  const badScope = await armErrorOf(t.apim.subscription.createOrUpdate(rg, svc, 's3', { scope: '/apis/nope', displayName: 'x' }));
  assert.equal(badScope.code, 'ValidationError');
  const master = await armErrorOf(t.apim.subscription.delete(rg, svc, 'master', '*'));
  assert.equal(master.statusCode, 400);
});

test('an Application Insights logger hides its key behind a named value; diagnostics at both scopes need an existing logger', async () => {
  const ikey = '11111111-2222-3333-4444-555555555555';
  const logger = await t.apim.logger.createOrUpdate(rg, svc, 'appinsights-logger', { loggerType: 'applicationInsights', credentials: { instrumentationKey: ikey }, isBuffered: false, resourceId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Insights/components/ai' });
  assert.match(logger.credentials?.instrumentationKey ?? '', /^\{\{Logger-Credentials--[0-9a-f]+\}\}$/);
  assert.ok(!JSON.stringify(logger).includes(ikey));
  const name = /\{\{(.+)\}\}/.exec(logger.credentials?.instrumentationKey ?? '')?.[1] ?? '';
  assert.equal((await t.apim.namedValue.listValue(rg, svc, name)).value, ikey);
  const diagnostic = await t.apim.diagnostic.createOrUpdate(rg, svc, 'applicationinsights', { loggerId: logger.id ?? '', alwaysLog: 'allErrors', sampling: { samplingType: 'fixed', percentage: 100 }, verbosity: 'information', metrics: true });
  assert.equal(diagnostic.loggerId, logger.id);
  assert.equal(diagnostic.metrics, true);
  const apiDiagnostic = await t.apim.apiDiagnostic.createOrUpdate(rg, svc, 'openai', 'applicationinsights', { loggerId: '/loggers/appinsights-logger', metrics: true });
  assert.equal(apiDiagnostic.loggerId, logger.id);
  const noLogger = await armErrorOf(t.apim.diagnostic.createOrUpdate(rg, svc, 'applicationinsights', { loggerId: '/loggers/missing' }));
  assert.equal(noLogger.code, 'ValidationError');
  const badSampling = await armErrorOf(t.apim.apiDiagnostic.createOrUpdate(rg, svc, 'openai', 'applicationinsights', { loggerId: logger.id ?? '', sampling: { samplingType: 'fixed', percentage: 300 } }));
  assert.equal(badSampling.statusCode, 400);
});

test('If-Match guards updates and deletes of entities', async () => {
  const current = await t.raw('GET', `${base()}/backends/openai-backend?api-version=2024-05-01`);
  const stale = await t.raw('PUT', `${base()}/backends/openai-backend?api-version=2024-05-01`, { headers: { 'if-match': '"stale"' }, body: { properties: { url: 'https://x.example', protocol: 'http' } } });
  assert.equal(stale.status, 412);
  const fresh = await t.raw('PUT', `${base()}/backends/openai-backend?api-version=2024-05-01`, { headers: { 'if-match': String(current.headers.etag) }, body: current.json });
  assert.equal(fresh.status, 200);
  await t.apim.backend.delete(rg, svc, 'openai-backend', '*');
  assert.equal((await armErrorOf(t.apim.backend.get(rg, svc, 'openai-backend'))).message, 'Backend not found.');
});

test('a deleted service is soft-deleted: deletedservices lists it, its name is held until purged', async () => {
  await t.apim.apiManagementService.beginCreateOrUpdateAndWait(rg, 'apim-soft', { ...serviceBody, sku: { name: 'Consumption', capacity: 0 } });
  await t.apim.apiManagementService.beginDeleteAndWait(rg, 'apim-soft');
  assert.equal((await armErrorOf(t.apim.apiManagementService.get(rg, 'apim-soft'))).code, 'ResourceNotFound');
  const deleted = await t.apim.deletedServices.getByName('apim-soft', 'westeurope');
  assert.match(deleted.serviceId ?? '', /service\/apim-soft$/);
  const names: string[] = [];
  for await (const item of t.apim.deletedServices.listBySubscription()) names.push(item.name ?? '');
  assert.deepEqual(names, ['apim-soft']);
  const conflict = await armErrorOf(t.apim.apiManagementService.beginCreateOrUpdateAndWait(rg, 'apim-soft', serviceBody));
  assert.equal(conflict.statusCode, 409);
  assert.equal(conflict.code, 'ServiceAlreadyExistsInSoftDeletedState');
  await t.apim.deletedServices.beginPurgeAndWait('apim-soft', 'westeurope');
  assert.equal((await armErrorOf(t.apim.deletedServices.getByName('apim-soft', 'westeurope'))).statusCode, 404);
  const again = await t.apim.apiManagementService.beginCreateOrUpdateAndWait(rg, 'apim-soft', serviceBody);
  assert.equal(again.provisioningState, 'Succeeded');
});

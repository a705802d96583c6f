/**
 * Property tests (fast-check): random JSON bodies, random non-JSON bodies and random names sent to
 * every ARM route never crash the sandbox or make it answer 5xx; every refusal is ARM's
 * `{"error":{"code","message"}}` JSON, and the sandbox keeps serving afterwards.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { startTestSandbox, type TestSandbox } from './arm-harness.ts';

let t: TestSandbox;
let token = '';
before(async () => {
  t = await startTestSandbox();
  token = await t.armToken();
  await t.resources.resourceGroups.createOrUpdate('rg', { location: 'eastus' });
  await t.apim.apiManagementService.beginCreateOrUpdateAndWait('rg', 'svc', { location: 'eastus', sku: { name: 'Consumption', capacity: 0 }, identity: { type: 'SystemAssigned' }, publisherEmail: 'a@b.c', publisherName: 'A' });
  await t.apim.api.beginCreateOrUpdateAndWait('rg', 'svc', 'api', { path: 'api', displayName: 'API', protocols: ['https'] });
  await t.cognitive.accounts.beginCreateAndWait('rg', 'acct', { location: 'eastus', kind: 'OpenAI', sku: { name: 'S0' }, properties: { customSubDomainName: 'acct-1' } });
});
after(async () => {
  await t.close();
});

const sub = () => `/subscriptions/${t.subscriptionId}`;
const rgPath = () => `${sub()}/resourceGroups/rg/providers`;
const svcPath = () => `${rgPath()}/Microsoft.ApiManagement/service/svc`;
/** Route templates with `{}` for a name, and the api-version they take. */
const routes: Array<[() => string, string]> = [
  [() => `${sub()}/resourcegroups/{}`, '2025-04-01'],
  [() => `${rgPath()}/Microsoft.CognitiveServices/accounts/{}`, '2025-09-01'],
  [() => `${rgPath()}/Microsoft.CognitiveServices/accounts/acct/deployments/{}`, '2025-09-01'],
  [() => `${rgPath()}/Microsoft.ApiManagement/service/{}`, '2024-05-01'],
  [() => `${svcPath()}/apis/{}`, '2024-05-01'],
  [() => `${svcPath()}/apis/api/operations/{}`, '2024-05-01'],
  [() => `${svcPath()}/apis/api/policies/{}`, '2024-05-01'],
  [() => `${svcPath()}/policies/{}`, '2024-05-01'],
  [() => `${svcPath()}/backends/{}`, '2024-05-01'],
  [() => `${svcPath()}/namedValues/{}`, '2024-05-01'],
  [() => `${svcPath()}/subscriptions/{}`, '2024-05-01'],
  [() => `${svcPath()}/loggers/{}`, '2024-05-01'],
  [() => `${svcPath()}/diagnostics/{}`, '2024-05-01'],
  [() => `${svcPath()}/apis/api/diagnostics/{}`, '2024-05-01'],
  [() => `${rgPath()}/Microsoft.OperationalInsights/workspaces/{}`, '2025-02-01'],
  [() => `${rgPath()}/Microsoft.Insights/components/{}`, '2020-02-02'],
  [() => `${rgPath()}/Microsoft.CognitiveServices/accounts/acct/providers/Microsoft.Authorization/roleAssignments/{}`, '2022-04-01'],
  [() => `${sub()}/providers/Microsoft.ApiManagement/locations/eastus/deletedservices/{}`, '2024-05-01'],
];

const name = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
  fc.uuid(),
  fc.constantFrom('policy', 'applicationinsights', 'master', '..', '%', 'a'.repeat(300)),
);
const jsonBody = fc.oneof(
  fc.jsonValue(),
  fc.record({ location: fc.oneof(fc.constantFrom('eastus', 'West Europe', ''), fc.string()), kind: fc.oneof(fc.constantFrom('OpenAI', 'web'), fc.jsonValue()), sku: fc.jsonValue(), identity: fc.jsonValue(), tags: fc.jsonValue(), properties: fc.jsonValue() }, { requiredKeys: [] }),
  fc.record({ properties: fc.record({ format: fc.constantFrom('openapi+json', 'openapi', 'rawxml', 'xml', 'swagger-json', 'openapi-link'), value: fc.oneof(fc.string(), fc.constant('<policies><inbound><base /></inbound></policies>'), fc.constant('{"openapi":"3.0.0","paths":{"/a":{"get":{"operationId":"x"}}}}')), path: fc.string(), displayName: fc.string(), loggerId: fc.string(), scope: fc.string(), roleDefinitionId: fc.string(), principalId: fc.oneof(fc.uuid(), fc.string()), loggerType: fc.constantFrom('applicationInsights', 'x'), credentials: fc.jsonValue(), model: fc.jsonValue(), Application_Type: fc.constantFrom('web', 'other', 1) }, { requiredKeys: [] }) }),
);

function checkAnswer(method: string, path: string, status: number, text: string): void {
  assert.ok(status < 500, `${method} ${path} answered ${status}: ${text.slice(0, 300)}`);
  if (status >= 400 && method !== 'HEAD') {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    assert.equal(typeof parsed.error?.code, 'string', `${method} ${path}: ${text.slice(0, 300)}`);
    assert.equal(typeof parsed.error?.message, 'string');
    assert.ok(!String(parsed.error?.message).includes('    at '), 'no stack trace in answers');
  }
}

test('random JSON bodies and names on every route never crash or 5xx the sandbox', async () => {
  const seen = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: routes.length - 1 }), name, jsonBody, fc.constantFrom('PUT', 'GET', 'DELETE', 'PATCH', 'POST'), async (index, entityName, body, method) => {
      const [template, apiVersion] = routes[index];
      const path = `${template().replace('{}', encodeURIComponent(entityName))}?api-version=${apiVersion}`;
      const res = await t.raw(method, path, { token, body: method === 'GET' || method === 'DELETE' ? undefined : body });
      checkAnswer(method, path, res.status, res.text);
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
    }),
    { numRuns: 400 },
  );
  const statuses = [...seen.keys()];
  assert.ok(statuses.some((s) => s < 300) && statuses.includes(400) && statuses.includes(404), `the runs reached handlers and refusals: ${JSON.stringify([...seen])}`);
});

test('random non-JSON bodies, query strings and paths are refused cleanly', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: routes.length - 1 }), fc.string({ maxLength: 200 }), fc.string({ maxLength: 30 }), fc.array(fc.stringMatching(/^[A-Za-z0-9._~%-]{0,12}$/), { maxLength: 8 }), async (index, text, version, segments) => {
      const [template, apiVersion] = routes[index];
      const put = `${template().replace('{}', 'fuzz')}?api-version=${apiVersion}`;
      const a = await t.raw('PUT', put, { token, body: text, headers: { 'content-type': 'application/json' } });
      checkAnswer('PUT', put, a.status, a.text);
      const odd = `${template().replace('{}', 'fuzz')}?api-version=${encodeURIComponent(version)}`;
      const b = await t.raw('GET', odd, { token });
      checkAnswer('GET', odd, b.status, b.text);
      const random = `${sub()}/${segments.join('/')}?api-version=${apiVersion}`;
      const c = await t.raw('GET', random, { token });
      checkAnswer('GET', random, c.status, c.text);
    }),
    { numRuns: 200 },
  );
  const alive = await t.raw('GET', '/', { token: null });
  assert.equal(alive.status, 200);
});

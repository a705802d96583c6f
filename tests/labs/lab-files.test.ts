/**
 * The files both the labs and the lesson pages show: the policies load in API Management's
 * policy engine as Azure documents them, the KQL queries are valid Kusto (checked by Microsoft's
 * own KQL parser) over the customMetrics table, and the OpenAPI document keeps the operation ids
 * of Microsoft's Azure OpenAI specification. Also the policy comparison the labs use to decide
 * "already in place".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validatePolicyXml } from '../../labs/sandbox/policy/index.ts';
import { canonicalXml, OPENAPI_FILE, POLICY_FILES, policyElements, QUERY_FILES, readLabFile, samePolicy, specOperations } from '../../labs/lib/files.ts';
import { kustoOracle } from '../unit/kql-oracle.ts';
import type { KqlTable } from '../../labs/sandbox/kql/index.ts';

/** The classic Application Insights customMetrics columns the queries use (and a few more). */
const customMetrics: KqlTable = {
  rowCount: 0,
  timeColumn: 'timestamp',
  columns: [
    { name: 'timestamp', type: 'datetime' },
    { name: 'name', type: 'string' },
    { name: 'value', type: 'real' },
    { name: 'valueCount', type: 'int' },
    { name: 'valueSum', type: 'real' },
    { name: 'valueMin', type: 'real' },
    { name: 'valueMax', type: 'real' },
    { name: 'customDimensions', type: 'dynamic' },
    { name: 'cloud_RoleName', type: 'string' },
    { name: 'itemId', type: 'string' },
  ],
} as KqlTable;

test('every lab policy is accepted at API scope', () => {
  for (const file of Object.values(POLICY_FILES)) {
    const result = validatePolicyXml(readLabFile(file), 'api');
    assert.deepEqual(result, { ok: true }, `${file}: ${JSON.stringify(result)}`);
  }
});

test('the token policies are the base policy plus one emit element with at most five dimensions', () => {
  const base = canonicalXml(readLabFile(POLICY_FILES.base));
  for (const [file, element] of [
    [POLICY_FILES.tokenMetrics, 'azure-openai-emit-token-metric'],
    [POLICY_FILES.llmTokenMetrics, 'llm-emit-token-metric'],
  ] as const) {
    const xml = readLabFile(file);
    assert.ok(policyElements(xml).has(element), file);
    const emit = new RegExp(`<${element}[\\s\\S]*</${element}>`).exec(xml)?.[0] ?? '';
    assert.equal(canonicalXml(xml.replace(emit, '')), base, `${file} differs from the base policy beyond ${element}`);
    const dimensions = [...emit.matchAll(/<dimension name="([^"]+)"/g)].map((match) => match[1]);
    assert.deepEqual(dimensions, ['API ID', 'Subscription ID', 'User ID', 'Client IP']);
  }
  const azure = readLabFile(POLICY_FILES.tokenMetrics);
  const llm = readLabFile(POLICY_FILES.llmTokenMetrics);
  assert.equal(canonicalXml(azure.replaceAll('azure-openai-emit-token-metric', 'llm-emit-token-metric')), canonicalXml(llm));
});

test('a policy API Management re-formatted or re-escaped is still the same policy; a changed attribute is not', () => {
  const xml = readLabFile(POLICY_FILES.tokenMetrics);
  const reformatted = xml
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\n\s*/g, '')
    .replace(`value='@(context.Request.Headers.GetValueOrDefault("x-user-id", "anonymous"))'`, 'value="@(context.Request.Headers.GetValueOrDefault(&quot;x-user-id&quot;, &quot;anonymous&quot;))"');
  assert.ok(samePolicy(xml, reformatted));
  assert.ok(!samePolicy(xml, xml.replace('namespace="AzureOpenAI"', 'namespace="Other"')));
  assert.ok(!samePolicy(xml, readLabFile(POLICY_FILES.base)));
  assert.ok(!samePolicy(xml, '<policies><inbound>'));
});

test('the KQL queries are valid Kusto over customMetrics and return the columns the labs read', () => {
  const oracle = kustoOracle({ customMetrics });
  const bySubscription = oracle.parse(readLabFile(QUERY_FILES.bySubscription));
  assert.deepEqual(bySubscription.diagnostics, []);
  assert.deepEqual(
    bySubscription.columns.map((column) => column.name),
    ['subscription', 'user', 'promptTokens', 'completionTokens', 'totalTokens', 'calls'],
  );
  const overTime = oracle.parse(readLabFile(QUERY_FILES.overTime));
  assert.deepEqual(overTime.diagnostics, []);
  assert.deepEqual(overTime.columns, [
    { name: 'subscription', type: 'string' },
    { name: 'timestamp', type: 'datetime' },
    { name: 'tokens', type: 'real' },
  ]);
  assert.match(readLabFile(QUERY_FILES.overTime), /bin\(timestamp, 1m\)/);
});

test('the OpenAPI document is OpenAPI 3 with Microsoft\'s operation ids and resolvable references', () => {
  const text = readLabFile(OPENAPI_FILE);
  const spec = JSON.parse(text);
  assert.match(spec.openapi, /^3\.0\.\d$/);
  assert.deepEqual(
    specOperations(text).map((operation) => `${operation.method} ${operation.path} ${operation.operationId}`).sort(),
    [
      'POST /deployments/{deployment-id}/chat/completions ChatCompletions_Create',
      'POST /deployments/{deployment-id}/completions Completions_Create',
      'POST /deployments/{deployment-id}/embeddings embeddings_create',
    ],
  );
  assert.deepEqual(spec.components.securitySchemes.apiKey, { type: 'apiKey', name: 'api-key', in: 'header' });
  const references: string[] = [];
  const walk = (node: unknown): void => {
    if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref') references.push(String(value));
        else walk(value);
      }
    }
  };
  walk(spec);
  assert.ok(references.length > 10);
  for (const reference of references) {
    const target = reference.replace(/^#\//, '').split('/').reduce<any>((node, part) => node?.[part], spec);
    assert.ok(target, `${reference} does not resolve`);
  }
  for (const path of Object.values<any>(spec.paths)) {
    const names = path.post.parameters.map((parameter: { name: string; in: string; required: boolean }) => `${parameter.in}:${parameter.name}:${parameter.required}`);
    assert.deepEqual(names, ['path:deployment-id:true', 'query:api-version:true']);
  }
});

/**
 * The playground and the sandbox are the same machine: the page's resources are shaped exactly as
 * the sandbox's ARM store holds them after the same setup, and the same requests under the same
 * policy and prerequisites get the same status, body, usage and customMetrics rows from both,
 * with the same policy validation errors and the same KQL answers and errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readResponseBody, type SandboxRequest } from '../../labs/sandbox/core/exchange.ts';
import { resourceKey, type ArmResource } from '../../labs/sandbox/core/resources.ts';
import { chatRequest, createPlaygroundSandbox, type PlaygroundSandbox, type Prerequisites } from '../../src/components/PolicyPlayground/playgroundSandbox.ts';
import { ids, PLAYGROUND_ORIGIN } from '../../src/components/PolicyPlayground/playgroundResources.ts';
import { DEFAULT_REQUEST, PLAYGROUND_NAMES as N, type RequestSettings } from '../../src/components/PolicyPlayground/presets.ts';
import { startSandboxTwin, type SandboxTwin } from './playground-sandbox.ts';

const policy = (name: string) => readFileSync(`labs/policies/${name}.xml`, 'utf8');
const TOKEN_METRICS = policy('openai-api-token-metrics');
const LLM_METRICS = policy('llm-emit-token-metric');
const NO_EMIT = TOKEN_METRICS.replace(/\s*<azure-openai-emit-token-metric[\s\S]*?<\/azure-openai-emit-token-metric>/, '');
const MORE_DIMENSIONS = TOKEN_METRICS.replace('<dimension name="API ID" />', '<dimension name="API ID" />\n            <dimension name="Operation ID" />');
const METRIC_ROWS = 'customMetrics | order by timestamp asc, name asc | project name, value, valueCount, valueSum, valueMin, valueMax, customDimensions';

/** Values the sandbox makes up at random when a resource is created (keys, ids, principals). */
const GENERATED: Array<{ id: string; paths: string[][] }> = [
  { id: ids.appInsights, paths: [['properties', 'AppId'], ['properties', 'InstrumentationKey']] },
  { id: ids.workspace, paths: [['properties', 'customerId']] },
  { id: ids.apim, paths: [['identity', 'principalId'], ['identity', 'tenantId']] },
  { id: ids.openAiAccount, paths: [['properties', 'internalId'], ['secrets', 'key1'], ['secrets', 'key2']] },
  { id: ids.logger, paths: [['properties', 'credentials', 'instrumentationKey']] },
  { id: ids.subscription('master'), paths: [['secrets', 'primaryKey'], ['secrets', 'secondaryKey']] },
  { id: ids.roleAssignment, paths: [['properties', 'createdBy']] },
];

function at(value: unknown, path: string[]): string | undefined {
  let current = value;
  for (const key of path) current = (current as Record<string, unknown> | undefined)?.[key];
  return typeof current === 'string' ? current.replace(/^\{\{|\}\}$/g, '') : undefined;
}

/** Resources keyed by id, with ETags, systemData and times left out and the sandbox's made-up values mapped. */
function comparable(resources: ArmResource[], replacements: Array<[string, string]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const resource of resources) {
    const { etag: _etag, systemData: _systemData, ...rest } = resource;
    let text = JSON.stringify(rest);
    for (const [from, to] of replacements) text = text.split(from).join(to);
    text = text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>');
    const value = JSON.parse(text) as ArmResource;
    out[resourceKey(value.id)] = value;
  }
  return out;
}

/** Mapping of the sandbox's origin, subscription and generated values to the playground's. */
function replacementsFor(twin: SandboxTwin, mine: ArmResource[], theirs: ArmResource[]): Array<[string, string]> {
  const origin = twin.t.sandbox.url;
  const pairs: Array<[string, string]> = [
    [twin.t.subscriptionId, N.subscriptionId],
    [origin, PLAYGROUND_ORIGIN],
    [origin.replace(/^https:/, 'wss:'), PLAYGROUND_ORIGIN.replace(/^https:/, 'wss:')],
  ];
  const find = (list: ArmResource[], id: string) => list.find((resource) => resourceKey(resource.id) === resourceKey(id));
  for (const { id, paths } of GENERATED) {
    const sandboxResource = find(theirs, twin.idFor(id));
    const playgroundResource = find(mine, id);
    for (const path of paths) {
      const from = at(sandboxResource, path);
      const to = at(playgroundResource, path);
      if (from !== undefined && to !== undefined && from !== to) pairs.push([from, to]);
    }
  }
  return pairs;
}

function assertSameResources(twin: SandboxTwin, playground: PlaygroundSandbox, when: string): void {
  const mine = playground.resources.all();
  const theirs = twin.stored();
  const replacements = replacementsFor(twin, mine, theirs);
  assert.deepStrictEqual(comparable(mine, []), comparable(theirs, replacements), `resources differ ${when}`);
}

/** A chat response with its per-call values (id, time, request id) blanked. */
function comparableBody(text: string, contentType: string): unknown {
  const scrub = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const copy = { ...(value as Record<string, unknown>) };
    if (typeof copy.id === 'string' && copy.id.startsWith('chatcmpl-')) copy.id = '<id>';
    if (typeof copy.created === 'number' && copy.created > 0) copy.created = '<created>';
    return copy;
  };
  if (contentType.startsWith('text/event-stream')) {
    return text
      .split('\n\n')
      .filter((event) => event.startsWith('data: '))
      .map((event) => (event === 'data: [DONE]' ? event : scrub(JSON.parse(event.slice('data: '.length)))));
  }
  try {
    return scrub(JSON.parse(text));
  } catch {
    return text;
  }
}

interface Answer {
  status: number;
  contentType: string;
  authenticate: string | undefined;
  body: unknown;
}

async function viaPlayground(playground: PlaygroundSandbox, req: SandboxRequest): Promise<Answer> {
  const response = await playground.handle(req);
  const contentType = response.headers['content-type'] ?? '';
  return { status: response.status, contentType, authenticate: response.headers['www-authenticate'], body: comparableBody(await readResponseBody(response), contentType) };
}

async function viaSandbox(twin: SandboxTwin, req: SandboxRequest): Promise<Answer> {
  const response = await twin.gateway(req.method, req.path, req.query, req.headers, req.body);
  const contentType = String(response.headers['content-type'] ?? '');
  const authenticate = response.headers['www-authenticate'] as string | undefined;
  return {
    status: response.status,
    contentType,
    authenticate: authenticate?.split(twin.t.sandbox.url).join(PLAYGROUND_ORIGIN),
    body: comparableBody(response.text, contentType),
  };
}

async function sandboxRows(twin: SandboxTwin, kql: string): Promise<unknown[][]> {
  const answer = await twin.query(kql);
  assert.equal(answer.status, 200, answer.text);
  return answer.json.tables[0].rows;
}

function playgroundRows(playground: PlaygroundSandbox, kql: string): unknown[][] {
  const outcome = playground.query(kql);
  assert.equal(outcome.kind, 'result', JSON.stringify(outcome));
  return outcome.kind === 'result' ? outcome.table.rows : [];
}

describe('the playground answers as the sandbox does', { timeout: 180_000 }, () => {
  let twin: SandboxTwin;
  let playground: PlaygroundSandbox;

  before(async () => {
    twin = await startSandboxTwin(TOKEN_METRICS);
    playground = createPlaygroundSandbox({ ingestionDelayMs: 0 });
    assert.deepEqual(playground.savePolicy(TOKEN_METRICS), { ok: true });
  });

  after(async () => {
    await twin?.close();
  });

  test('the in-page resources are the ones the sandbox stores after the same setup', () => {
    assertSameResources(twin, playground, 'after the setup');
  });

  async function setPolicy(xml: string): Promise<void> {
    assert.deepEqual(playground.savePolicy(xml), { ok: true });
    const answer = await twin.arm('PUT', ids.apiPolicy, '2024-05-01', { properties: { format: 'rawxml', value: xml } });
    assert.ok(answer.status < 300, answer.text);
  }

  async function setPrerequisite(key: keyof Prerequisites, on: boolean): Promise<void> {
    playground.setPrerequisite(key, on);
    let answer;
    if (key === 'diagnosticMetrics') {
      const current = (await twin.arm('GET', ids.apiDiagnostic, '2024-05-01')).json;
      answer = await twin.arm('PUT', ids.apiDiagnostic, '2024-05-01', { properties: { ...current.properties, metrics: on } });
    } else if (key === 'customMetricsWithDimensions') {
      const current = (await twin.arm('GET', ids.appInsights, '2020-02-02')).json;
      const properties = { ...current.properties, CustomMetricsOptedInType: on ? 'WithDimensions' : 'WithoutDimensions' };
      answer = await twin.arm('PUT', ids.appInsights, '2020-02-02', { location: current.location, kind: current.kind, properties });
    } else if (on) {
      const assignment = playground.resources.get(ids.roleAssignment)!;
      const service = (await twin.arm('GET', ids.apim, '2024-05-01')).json;
      answer = await twin.arm('PUT', ids.roleAssignment, '2022-04-01', {
        properties: { roleDefinitionId: twin.idFor(String(assignment.properties.roleDefinitionId)), principalId: service.identity.principalId, principalType: 'ServicePrincipal' },
      });
    } else {
      answer = await twin.arm('DELETE', ids.roleAssignment, '2022-04-01');
    }
    assert.ok(answer.status < 300, answer.text);
  }

  async function sameAnswer(settings: RequestSettings, expectedStatus: number): Promise<void> {
    const req = chatRequest(settings, '127.0.0.1');
    const [mine, theirs] = [await viaPlayground(playground, req), await viaSandbox(twin, req)];
    assert.equal(mine.status, expectedStatus, JSON.stringify(mine.body));
    assert.deepStrictEqual(mine, theirs);
  }

  /** Rows in a fixed order (calls made within one millisecond may come back in either order). */
  const canonical = (rows: unknown[][]) => rows.map((row) => JSON.stringify(row)).sort();

  async function sameMetricRows(expectedRows: number): Promise<void> {
    // Rows become visible once the clock has moved past their arrival, even with no ingestion delay.
    await new Promise((done) => setTimeout(done, 5));
    const mine = playgroundRows(playground, METRIC_ROWS);
    assert.equal(mine.length, expectedRows, JSON.stringify(playground.telemetry().log));
    assert.deepStrictEqual(canonical(mine), canonical(await sandboxRows(twin, METRIC_ROWS)));
  }

  test('the same chat completion gets the same answer, usage and token metric rows', async () => {
    await sameAnswer(DEFAULT_REQUEST, 200);
    await sameMetricRows(3);
  });

  test('streams, with and without the usage chunk, give the same events and the same (estimated) metrics', async () => {
    await sameAnswer({ ...DEFAULT_REQUEST, key: { kind: 'preset', sid: 'summarizer-app' }, userId: 'nightly-job', stream: true, includeUsage: true }, 200);
    await sameMetricRows(6);
    await sameAnswer({ ...DEFAULT_REQUEST, key: { kind: 'preset', sid: 'data-team' }, userId: '', stream: true, includeUsage: false, maxTokens: 200 }, 200);
    await sameMetricRows(9);
  });

  test('a missing or unknown key gets the same 401 and no metric', async () => {
    await sameAnswer({ ...DEFAULT_REQUEST, key: { kind: 'missing' } }, 401);
    await sameAnswer({ ...DEFAULT_REQUEST, key: { kind: 'invalid' } }, 401);
    await sameMetricRows(9);
  });

  test('policy edits change the metrics the same way (llm policy, a new dimension, no emit policy)', async () => {
    await setPolicy(LLM_METRICS);
    await sameAnswer({ ...DEFAULT_REQUEST, prompt: 'Name three Azure regions.' }, 200);
    await sameMetricRows(12);
    await setPolicy(MORE_DIMENSIONS);
    await sameAnswer({ ...DEFAULT_REQUEST, maxTokens: 5 }, 200);
    await sameMetricRows(15);
    await setPolicy(NO_EMIT);
    await sameAnswer(DEFAULT_REQUEST, 200);
    await sameMetricRows(15);
    assertSameResources(twin, playground, 'after the policy edits');
    await setPolicy(TOKEN_METRICS);
  });

  test('each prerequisite switched off has the same effect, and the resources stay identical', async () => {
    await setPrerequisite('diagnosticMetrics', false);
    assertSameResources(twin, playground, 'without metrics on the diagnostic');
    await sameAnswer(DEFAULT_REQUEST, 200);
    await sameMetricRows(15);
    await setPrerequisite('diagnosticMetrics', true);

    await setPrerequisite('customMetricsWithDimensions', false);
    assertSameResources(twin, playground, 'without custom metrics with dimensions');
    await sameAnswer(DEFAULT_REQUEST, 200);
    await sameMetricRows(18);
    await setPrerequisite('customMetricsWithDimensions', true);

    await setPrerequisite('openAiRoleAssignment', false);
    assertSameResources(twin, playground, 'without the role assignment');
    await sameAnswer(DEFAULT_REQUEST, 401);
    await sameMetricRows(18);
    await setPrerequisite('openAiRoleAssignment', true);
    await sameAnswer(DEFAULT_REQUEST, 200);
    await sameMetricRows(21);
  });

  test('the lesson queries give the same table, and a bad query the same error', async () => {
    const byUser = readFileSync('labs/queries/tokens-by-subscription.kql', 'utf8');
    await new Promise((done) => setTimeout(done, 5));
    assert.deepStrictEqual(playgroundRows(playground, byUser), await sandboxRows(twin, byUser));
    const overTime = `${readFileSync('labs/queries/tokens-over-time.kql', 'utf8')}\n| summarize sum(tokens) by subscription`;
    assert.deepStrictEqual(playgroundRows(playground, overTime), await sandboxRows(twin, overTime));

    const bad = 'customMetrics\n| whre name == "Total Tokens"';
    const mine = playground.query(bad);
    assert.equal(mine.kind, 'error');
    const theirs = await twin.query(bad);
    assert.equal(theirs.status, 400);
    assert.equal(theirs.json.error.code, 'BadArgumentError');
    const inner = theirs.json.error.innererror;
    if (mine.kind === 'error') {
      assert.equal(inner.code, mine.errorKind);
      assert.equal(inner.innererror.message, mine.message);
      assert.equal(inner.innererror.line, mine.line);
    }
  });

  test('an invalid policy is refused with the same ValidationError the ARM route returns', async () => {
    const invalid = [
      TOKEN_METRICS.replace('</inbound>', '</inbund>'),
      TOKEN_METRICS.replace('<base />', '<no-such-policy />'),
      TOKEN_METRICS.replace('@(context.Request.IpAddress)', '@(System.IO.File.ReadAllText("x"))'),
    ];
    for (const xml of invalid) {
      const mine = playground.savePolicy(xml);
      assert.equal(mine.ok, false);
      const theirs = await twin.arm('PUT', ids.apiPolicy, '2024-05-01', { properties: { format: 'rawxml', value: xml } });
      assert.equal(theirs.status, 400);
      if (!mine.ok) {
        assert.equal(theirs.json.error.code, mine.error.code);
        assert.equal(theirs.json.error.message, mine.error.message);
        assert.deepStrictEqual(theirs.json.error.details, mine.error.details);
      }
    }
    assertSameResources(twin, playground, 'after the refused policies');
  });
});

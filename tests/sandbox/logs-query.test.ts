/**
 * The Logs query API through the real `@azure/monitor-query-logs` client, after real calls through
 * the gateway: workspace queries, resource-centric queries (component and workspace), the App
 * Insights app path, request timespans, batches, decoding of datetime and dynamic cells, and the
 * errors the client must be able to read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LogsQueryResultStatus, type LogsQueryClient, type LogsTable } from '@azure/monitor-query-logs';
import { startGatewayLab, type GatewayLab } from './gateway-harness.ts';
import { chatAs, logsClient, rawQuery } from './logs-harness.ts';

let lab: GatewayLab;
let logs: LogsQueryClient;
const tokens: Record<string, number> = { alice: 0, bob: 0 };
let sent = 0;
let appId = '';
let workspaceId = '';

function table(result: Awaited<ReturnType<LogsQueryClient['queryWorkspace']>>): LogsTable {
  if (result.status !== LogsQueryResultStatus.Success) throw new Error(`query did not succeed: ${JSON.stringify(result)}`);
  return result.tables[0];
}

const byUser = (rows: unknown[][]) => Object.fromEntries(rows.map((row) => [row[0] as string, row[1] as number]));

describe('Logs query API through LogsQueryClient', () => {
  before(async () => {
    lab = await startGatewayLab();
    logs = logsClient(lab.t);
    const client = lab.client();
    for (const [user, prompt] of [['alice', 'Say hello.'], ['bob', 'Count to three.'], ['alice', 'Name a colour.']] as const) {
      tokens[user] += await chatAs(client, user, prompt);
      sent++;
    }
    const component = await lab.t.raw('GET', `${lab.componentId}?api-version=2020-02-02`);
    appId = component.json.properties.AppId;
    workspaceId = component.json.properties.WorkspaceResourceId;
  });
  after(async () => {
    await lab?.close();
  });

  test('queryWorkspace: the lesson query over AppMetrics sums each user\'s tokens exactly', async () => {
    const result = table(await logs.queryWorkspace(lab.customerId,
      'AppMetrics | where TimeGenerated > ago(1h) and Name == "Total Tokens" | summarize tokens = sum(Sum) by user = tostring(Properties["User ID"]) | order by user asc',
      { duration: 'PT1H' }));
    assert.deepEqual(result.columnDescriptors, [{ name: 'user', type: 'string' }, { name: 'tokens', type: 'real' }]);
    assert.deepEqual(byUser(result.rows), tokens);
  });

  test('datetime cells arrive as Date objects and dynamic cells as parsed JSON', async () => {
    const result = table(await logs.queryWorkspace(lab.customerId, 'AppMetrics | where Name == "Prompt Tokens" | project TimeGenerated, Properties, ItemCount | take 1', { duration: 'PT1H' }));
    const [time, properties, count] = result.rows[0] as [Date, Record<string, string>, number];
    assert.ok(time instanceof Date && Math.abs(Date.now() - time.getTime()) < 10 * 60_000);
    assert.equal(properties['API ID'], 'openai');
    assert.equal(properties['User ID'], 'alice');
    assert.equal(properties['Subscription ID'], 'learner-1');
    assert.equal(count, 1);
  });

  test('three metric rows and one request row per call', async () => {
    const metrics = table(await logs.queryWorkspace(lab.customerId, 'AppMetrics | summarize n = count() by Name | order by Name asc', { duration: 'PT1H' }));
    assert.deepEqual(metrics.rows, [['Completion Tokens', sent], ['Prompt Tokens', sent], ['Total Tokens', sent]]);
    const requests = table(await logs.queryWorkspace(lab.customerId, 'AppRequests | summarize n = count(), ok = countif(Success) by ResultCode', { duration: 'PT1H' }));
    assert.deepEqual(requests.rows, [['200', sent, sent]]);
  });

  test('queryResource on the component answers classic and workspace tables (the client sends a double slash)', async () => {
    const classic = table(await logs.queryResource(lab.componentId, 'customMetrics | where name == "Total Tokens" | summarize sum(valueSum) by tostring(customDimensions["User ID"]) | order by customDimensions_User_ID asc'.replace('customDimensions_User_ID', '["customDimensions_User ID"]'), { duration: 'PT1H' }));
    assert.deepEqual(byUser(classic.rows), tokens);
    const workspace = table(await logs.queryResource(lab.componentId, 'AppMetrics | where Name == "Total Tokens" | summarize sum(Sum)', { duration: 'PT1H' }));
    assert.deepEqual(workspace.rows, [[tokens.alice + tokens.bob]]);
  });

  test('queryResource on the workspace resource id', async () => {
    const result = table(await logs.queryResource(workspaceId, 'AppMetrics | where Name == "Total Tokens" | count', { duration: 'PT1H' }));
    assert.deepEqual(result.rows, [[sent]]);
  });

  test('the App Insights app path /v1/apps/{appId}/query takes the classic tables, by POST and by GET', async () => {
    const post = await rawQuery(lab.t, `/v1/apps/${appId}/query`, { query: 'customMetrics | where name == "Total Tokens" | summarize sum(valueSum)', timespan: 'PT1H' });
    assert.equal(post.status, 200);
    assert.deepEqual(post.json, { tables: [{ name: 'PrimaryResult', columns: [{ name: 'sum_valueSum', type: 'real' }], rows: [[tokens.alice + tokens.bob]] }] });
    const get = await rawQuery(lab.t, `/apps/${appId}/query?query=${encodeURIComponent('requests | count')}&timespan=PT1H`, undefined, undefined, 'GET');
    assert.equal(get.status, 200);
    assert.deepEqual(get.json.tables[0].rows, [[sent]]);
  });

  test('timespan: an interval before the calls finds nothing; start/end around them finds them', async () => {
    const before = table(await logs.queryWorkspace(lab.customerId, 'AppMetrics | count', { startTime: new Date(Date.now() - 3 * 3600_000), endTime: new Date(Date.now() - 2 * 3600_000) }));
    assert.deepEqual(before.rows, [[0]]);
    const around = table(await logs.queryWorkspace(lab.customerId, 'AppMetrics | count', { startTime: new Date(Date.now() - 600_000), endTime: new Date(Date.now() + 60_000) }));
    assert.deepEqual(around.rows, [[3 * sent]]);
  });

  test('queryBatch runs several queries in one $batch call', async () => {
    const results = await logs.queryBatch([
      { workspaceId: lab.customerId, query: 'AppMetrics | count', timespan: { duration: 'PT1H' } },
      { workspaceId: lab.customerId, query: 'AppRequests | count', timespan: { duration: 'PT1H' } },
    ]);
    assert.equal(results.length, 2);
    assert.deepEqual(results.map((r) => (r.status === LogsQueryResultStatus.Success ? r.tables[0].rows : r)), [[[3 * sent]], [[sent]]]);
  });

  test('invalid KQL: a 400 BadArgumentError the client raises, with line and position inside', async () => {
    await assert.rejects(logs.queryWorkspace(lab.customerId, 'AppMetrics\n| whre Name == "x"', { duration: 'PT1H' }), (error: any) => {
      assert.equal(error.statusCode, 400);
      assert.equal(error.code, 'BadArgumentError');
      const inner = error.details.error.innererror;
      assert.equal(inner.code, 'SyntaxError');
      // The client keeps code and message of each level (Azure's line/pos/token fields are not in its model).
      assert.equal(inner.innererror.code, 'SYN0002');
      assert.match(inner.innererror.message, /Query could not be parsed at 'whre' on line \[2,3\]/);
      return true;
    });
  });

  test('unsupported KQL is refused by name, not answered partly', async () => {
    await assert.rejects(logs.queryWorkspace(lab.customerId, 'AppMetrics | mv-expand Properties', { duration: 'PT1H' }), (error: any) => {
      assert.equal(error.statusCode, 400);
      assert.match(error.details.error.innererror.innererror.message, /does not support the 'mv-expand' operator \(line 1, column 14\)/);
      return true;
    });
  });

  test('an unknown workspace is a 404 the client can read', async () => {
    await assert.rejects(logs.queryWorkspace('00000000-0000-0000-0000-00000000dead', 'AppMetrics | count', { duration: 'PT1H' }), (error: any) => {
      assert.equal(error.statusCode, 404);
      assert.equal(error.code, 'WorkspaceNotFoundError');
      return true;
    });
  });

  test('no token, or a token for another audience: 401 inside the error wrapper', async () => {
    const none = await rawQuery(lab.t, `/v1/workspaces/${lab.customerId}/query`, { query: 'AppMetrics | count' }, null);
    assert.equal(none.status, 401);
    assert.equal(none.json.error.code, 'AuthorizationRequiredError');
    const arm = await rawQuery(lab.t, `/v1/workspaces/${lab.customerId}/query`, { query: 'AppMetrics | count' }, await lab.t.armToken());
    assert.equal(arm.status, 401);
    assert.equal(typeof arm.json.error.message, 'string');
  });

  test('a body that is not JSON, or has no query: 400 with the error wrapper', async () => {
    const empty = await rawQuery(lab.t, `/v1/workspaces/${lab.customerId}/query`, { timespan: 'PT1H' });
    assert.equal(empty.status, 400);
    assert.equal(empty.json.error.code, 'BadArgumentError');
    const unknownPath = await rawQuery(lab.t, '/v1/workspaces/query', { query: 'AppMetrics | count' });
    assert.equal(unknownPath.status, 404);
    assert.equal(unknownPath.json.error.code, 'PathNotFoundError');
  });

  test('without CustomMetricsOptedInType WithDimensions, new metric rows arrive without dimensions', async () => {
    await lab.setWithDimensions(false);
    try {
      await chatAs(lab.client(), 'carol', 'One more, please.');
      const rows = table(await logs.queryWorkspace(lab.customerId, 'AppMetrics | where isempty(tostring(Properties["User ID"])) | summarize n = count(), props = make_list(Properties)', { duration: 'PT1H' })).rows;
      assert.deepEqual(rows, [[3, []]]);
      const carol = table(await logs.queryWorkspace(lab.customerId, 'AppMetrics | where tostring(Properties["User ID"]) == "carol" | count', { duration: 'PT1H' })).rows;
      assert.deepEqual(carol, [[0]]);
    } finally {
      await lab.setWithDimensions(true);
    }
  });
});

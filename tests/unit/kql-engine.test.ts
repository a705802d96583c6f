/**
 * The KQL engine's answers over the fixture telemetry: every operator and function of the course's
 * subset, the request timespan, and the Logs API's cell formats (datetime as ISO text, dynamic as
 * JSON text, timespans as d.hh:mm:ss).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runKql } from '../../labs/sandbox/kql/index.ts';
import { KQL_CASES } from './kql-cases.ts';
import { fixture, NOW } from './kql-fixture.ts';

const { source } = fixture();

describe('KQL engine over the fixture telemetry', () => {
  for (const c of KQL_CASES) {
    test(c.name, () => {
      const result = runKql(c.query, source, { now: NOW, timespan: c.timespan });
      assert.equal(result.tables.length, 1);
      assert.equal(result.tables[0].name, 'PrimaryResult');
      assert.deepEqual(result.tables[0].rows, c.rows);
    });
  }

  test('result columns carry the types the Logs API reports', () => {
    const result = runKql('customMetrics | where name == "Total Tokens" | summarize tokens = sum(valueSum), calls = sum(valueCount), n = count(), users = make_list(tostring(customDimensions["User ID"])) by bin(timestamp, 1m), ok = true', source, { now: NOW });
    assert.deepEqual(result.tables[0].columns, [
      { name: 'timestamp', type: 'datetime' },
      { name: 'ok', type: 'bool' },
      { name: 'tokens', type: 'real' },
      { name: 'calls', type: 'long' },
      { name: 'n', type: 'long' },
      { name: 'users', type: 'dynamic' },
    ]);
  });

  test('customMetrics has the classic columns, with value and valueSum equal for single measurements', () => {
    const result = runKql('customMetrics | take 1', source, { now: NOW });
    const columns = Object.fromEntries(result.tables[0].columns.map((c, i) => [c.name, { type: c.type, value: result.tables[0].rows[0][i] }]));
    assert.deepEqual(columns.timestamp, { type: 'datetime', value: '2025-06-01T10:00:00Z' });
    assert.deepEqual(columns.name, { type: 'string', value: 'Prompt Tokens' });
    assert.deepEqual(columns.value, { type: 'real', value: 1 });
    assert.deepEqual(columns.valueSum, { type: 'real', value: 1 });
    assert.deepEqual(columns.valueCount, { type: 'int', value: 1 });
    assert.deepEqual(columns.customDimensions, { type: 'dynamic', value: '{"API ID":"openai","Subscription ID":"learner-2","User ID":"carol"}' });
    assert.deepEqual(columns.appId, { type: 'string', value: 'app-1' });
    assert.deepEqual(columns.appName, { type: 'string', value: 'ai-course' });
    assert.deepEqual(columns.itemType, { type: 'string', value: 'customMetric' });
    assert.match(columns.itemId.value as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('AppMetrics has the workspace columns', () => {
    const result = runKql('AppMetrics | where Name == "Prompt Tokens" | take 1', source, { now: NOW });
    const names = result.tables[0].columns.map((c) => c.name);
    for (const name of ['TenantId', 'TimeGenerated', 'Name', 'Sum', 'Min', 'Max', 'ItemCount', 'Properties', 'ResourceGUID', 'IKey', 'Type', '_ResourceId']) {
      assert.ok(names.includes(name), `AppMetrics lacks ${name}`);
    }
    const row = Object.fromEntries(names.map((n, i) => [n, result.tables[0].rows[0][i]]));
    assert.equal(row.TenantId, 'ws-cust-1');
    assert.equal(row.Type, 'AppMetrics');
    assert.equal(row._ResourceId, '/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-course/providers/microsoft.insights/components/ai-course');
  });

  test('the ingestion delay hides rows until it has passed', async () => {
    const { createMemoryTelemetry } = await import('../../labs/sandbox/telemetry/memory.ts');
    const { resourceView, fixtureResources } = await import('./kql-fixture.ts');
    let now = NOW;
    const telemetry = createMemoryTelemetry({ resources: resourceView(fixtureResources()), now: () => now, ingestionDelayMs: 5000 });
    telemetry.sink.track({ kind: 'metric', time: now, instrumentationKey: 'key-1', name: 'Total Tokens', namespace: 'AzureOpenAI', value: 5, dimensions: {} });
    const count = () => runKql('customMetrics | count', telemetry.appSource('app-1'), { now }).tables[0].rows[0][0];
    assert.equal(count(), 0);
    now += 4999;
    assert.equal(count(), 0);
    now += 1;
    assert.equal(count(), 1);
  });

  test('a summarize over many rows groups exactly', () => {
    const rows = 50_000;
    const time = Array.from({ length: rows }, (_, i) => NOW - i * 1000);
    const user = Array.from({ length: rows }, (_, i) => ({ 'User ID': `u${i % 7}` }));
    const value = Array.from({ length: rows }, (_, i) => i % 13);
    const table = { rowCount: rows, columns: [
      { name: 'timestamp', type: 'datetime' as const, values: time },
      { name: 'customDimensions', type: 'dynamic' as const, values: user },
      { name: 'valueSum', type: 'real' as const, values: value },
    ] };
    const result = runKql('T | summarize s = sum(valueSum), c = count() by u = tostring(customDimensions["User ID"]), bin(timestamp, 1m)', { table: (n) => (n === 'T' ? table : undefined) }, { now: NOW });
    const expected = new Map<string, { s: number; c: number }>();
    for (let i = 0; i < rows; i++) {
      const key = `u${i % 7}|${Math.floor(time[i] / 60000) * 60000}`;
      const e = expected.get(key) ?? { s: 0, c: 0 };
      e.s += value[i];
      e.c += 1;
      expected.set(key, e);
    }
    const got = result.tables[0].rows;
    assert.equal(got.length, expected.size);
    for (const [u, t, s, c] of got as [string, string, number, number][]) {
      assert.deepEqual({ s, c }, expected.get(`${u}|${Date.parse(t)}`));
    }
  });
});

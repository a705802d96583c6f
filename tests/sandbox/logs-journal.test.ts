/**
 * The receiving side of telemetry on its own: the durable journal (rows on disk before `track`
 * returns, group-committed fsync, replay, torn and unreadable lines), the instrumentation key →
 * component mapping, and the custom-metrics setting that keeps or drops dimensions (said once in
 * the log, not per row).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runKql } from '../../labs/sandbox/kql/index.ts';
import { createTelemetry, journalPath } from '../../labs/sandbox/telemetry/index.ts';
import { createMemoryTelemetry } from '../../labs/sandbox/telemetry/memory.ts';
import { createQueryHandler } from '../../labs/sandbox/telemetry/query-api.ts';
import { fixtureResources, NOW, resourceView } from '../unit/kql-fixture.ts';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-telemetry-test-'));
  dirs.push(dir);
  return dir;
}

const metric = (key: string, user: string, value: number) => ({
  kind: 'metric' as const, time: NOW, instrumentationKey: key, name: 'Total Tokens', namespace: 'AzureOpenAI', value, dimensions: { 'User ID': user },
});

const count = (telemetry: ReturnType<typeof createTelemetry>, appId = 'app-1') =>
  runKql('customMetrics | summarize n = count(), tokens = sum(valueSum)', telemetry.memory.appSource(appId), { now: NOW }).tables[0].rows[0];

describe('telemetry journal and ingestion', () => {
  test('rows tracked together are written before any later code runs (before an answer can go out), and synced by flushed()', async () => {
    const dir = stateDir();
    const telemetry = createTelemetry({ resources: resourceView(fixtureResources()), stateDir: dir, ingestionDelayMs: 0, now: () => NOW });
    const lines = () => readFileSync(journalPath(dir), 'utf8').split('\n').filter(Boolean).length;
    telemetry.sink.track(metric('key-1', 'alice', 7));
    telemetry.sink.track(metric('key-1', 'alice', 8));
    await Promise.resolve();
    assert.equal(lines(), 2);
    await telemetry.sink.flushed();
    await telemetry.close();
  });

  test('20,000 rows from a load test: one file, all replayed after a restart', async () => {
    const dir = stateDir();
    const resources = resourceView(fixtureResources());
    const first = createTelemetry({ resources, stateDir: dir, ingestionDelayMs: 0, now: () => NOW });
    let expected = 0;
    for (let i = 0; i < 20_000; i++) {
      first.sink.track(metric('key-1', `user-${i % 5}`, i % 50));
      expected += i % 50;
    }
    await first.sink.flushed();
    assert.deepEqual(count(first), [20_000, expected]);
    await first.close();

    const log: string[] = [];
    const second = createTelemetry({ resources, stateDir: dir, ingestionDelayMs: 0, now: () => NOW, log: (m) => log.push(m) });
    assert.deepEqual(count(second), [20_000, expected]);
    assert.ok(log.some((m) => m.includes('20000 row(s) restored')), log.join('\n'));
    await second.close();
  });

  test('a torn last line is dropped and cut from the file; an unreadable line in the middle is skipped', async () => {
    const dir = stateDir();
    const resources = resourceView(fixtureResources());
    const first = createTelemetry({ resources, stateDir: dir, ingestionDelayMs: 0, now: () => NOW });
    first.sink.track(metric('key-1', 'alice', 1));
    first.sink.track(metric('key-1', 'bob', 2));
    await first.close();
    const path = journalPath(dir);
    const [line1, line2] = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, `${line1}\n{not json}\n${line2}\n{"k":"m","t":1`);

    const log: string[] = [];
    const second = createTelemetry({ resources, stateDir: dir, ingestionDelayMs: 0, now: () => NOW, log: (m) => log.push(m) });
    assert.deepEqual(count(second), [2, 3]);
    assert.ok(log.some((m) => m.includes('incomplete last row')), log.join('\n'));
    assert.ok(log.some((m) => m.includes('skipped 1 unreadable row')), log.join('\n'));
    assert.equal(readFileSync(path, 'utf8'), `${line1}\n{not json}\n${line2}\n`);
    second.sink.track(metric('key-1', 'carol', 4));
    await second.close();
    const third = createTelemetry({ resources, stateDir: dir, ingestionDelayMs: 0, now: () => NOW });
    assert.deepEqual(count(third), [3, 7]);
    await third.close();
  });

  test('a journal in a folder that does not exist yet is created', async () => {
    const dir = join(stateDir(), 'nested', 'state');
    const telemetry = createTelemetry({ resources: resourceView(fixtureResources()), stateDir: dir, ingestionDelayMs: 0, now: () => NOW });
    telemetry.sink.track(metric('key-1', 'alice', 1));
    await telemetry.close();
    assert.equal(dirname(journalPath(dir)), join(dir, 'telemetry'));
  });

  test('without WithDimensions the dimensions are dropped and the log says why, once', async () => {
    const log: string[] = [];
    const telemetry = createTelemetry({ resources: resourceView(fixtureResources(false)), ingestionDelayMs: 0, now: () => NOW, log: (m) => log.push(m) });
    for (const user of ['alice', 'bob', 'carol']) telemetry.sink.track(metric('key-1', user, 1));
    const rows = runKql('customMetrics | project customDimensions', telemetry.memory.appSource('app-1'), { now: NOW }).tables[0].rows;
    assert.deepEqual(rows, [[null], [null], [null]]);
    assert.equal(log.length, 1);
    assert.match(log[0], /ai-course.*CustomMetricsOptedInType.*WithDimensions/);
  });

  test('requests keep their dimensions whatever the custom-metrics setting', async () => {
    const telemetry = createTelemetry({ resources: resourceView(fixtureResources(false)), ingestionDelayMs: 0, now: () => NOW });
    telemetry.sink.track({ kind: 'request', time: NOW, instrumentationKey: 'key-1', name: 'POST /x', url: 'https://x/y', resultCode: '200', durationMs: 5, success: true, operationId: 'op', dimensions: { 'API ID': 'openai' } });
    const rows = runKql('requests | project customDimensions, success, resultCode', telemetry.memory.appSource('app-1'), { now: NOW }).tables[0].rows;
    assert.deepEqual(rows, [['{"API ID":"openai"}', 'True', '200']]);
  });

  test('an unknown instrumentation key is dropped, logged once with the key masked', async () => {
    const log: string[] = [];
    const telemetry = createTelemetry({ resources: resourceView(fixtureResources()), ingestionDelayMs: 0, now: () => NOW, log: (m) => log.push(m) });
    telemetry.sink.track(metric('11111111-2222-3333-4444-555555555555', 'alice', 1));
    telemetry.sink.track(metric('11111111-2222-3333-4444-555555555555', 'bob', 1));
    assert.equal(telemetry.memory.rowCount(), 0);
    assert.equal(log.length, 1);
    assert.ok(!log[0].includes('11111111-2222-3333-4444-555555555555'), 'the key is not printed in full');
  });

  test('the workspace sees every component that sends to it; each app sees only its own rows', async () => {
    const telemetry = createTelemetry({ resources: resourceView(fixtureResources()), ingestionDelayMs: 0, now: () => NOW });
    telemetry.sink.track(metric('key-1', 'alice', 10));
    telemetry.sink.track(metric('key-2', 'bob', 5));
    assert.deepEqual(count(telemetry, 'app-1'), [1, 10]);
    assert.deepEqual(count(telemetry, 'app-2'), [1, 5]);
    const workspace = runKql('AppMetrics | summarize sum(Sum) by ResourceGUID | order by ResourceGUID asc', telemetry.memory.workspaceSource('ws-cust-1'), { now: NOW }).tables[0].rows;
    assert.deepEqual(workspace, [['app-1', 10], ['app-2', 5]]);
  });

  test('a result over the row limit answers the first rows with a partial-failure error beside them', async () => {
    const telemetry = createMemoryTelemetry({ resources: resourceView(fixtureResources()), ingestionDelayMs: 0, now: () => NOW });
    for (let i = 0; i < 12; i++) telemetry.sink.track(metric('key-1', 'alice', i));
    const handle = createQueryHandler(telemetry, () => NOW, 10);
    const response = await handle({ method: 'POST', path: '/apps/app-1/query', query: new URLSearchParams(), headers: {}, body: JSON.stringify({ query: 'customMetrics | project value' }), ip: '127.0.0.1' });
    const body = JSON.parse(response.body!);
    assert.equal(response.status, 200);
    assert.equal(body.tables[0].rows.length, 10);
    assert.equal(body.error.code, 'PartialError');
    assert.match(body.error.details[0].message, /limit 10 \(the query has 12 rows\)/);
  });
});

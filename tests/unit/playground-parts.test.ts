/**
 * The playground's own small parts: the copied lab command really writes the policy file when a
 * shell runs it, the chart is chosen from the result's columns, usage is read from JSON and from
 * server-sent events, the in-memory resource view answers lookups as the ARM store does, and
 * Reset brings the page back to its starting point.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResponseBody } from '../../labs/sandbox/core/exchange.ts';
import { labCommandFor } from '../../src/components/PolicyPlayground/labCommand.ts';
import { MemoryResources } from '../../src/components/PolicyPlayground/memoryResources.ts';
import { createPlaygroundSandbox } from '../../src/components/PolicyPlayground/playgroundSandbox.ts';
import { ids } from '../../src/components/PolicyPlayground/playgroundResources.ts';
import { DEFAULT_REQUEST } from '../../src/components/PolicyPlayground/presets.ts';
import { planChart } from '../../src/components/PolicyPlayground/chartPlan.ts';
import { assistantText, usageOf } from '../../src/components/PolicyPlayground/responseBody.ts';

const POLICY = readFileSync('labs/policies/openai-api-token-metrics.xml', 'utf8');

test('the copied lab command writes the edited policy byte for byte, then names the lab step', () => {
  const dir = mkdtempSync(join(tmpdir(), 'playground-command-'));
  try {
    mkdirSync(join(dir, 'labs', 'policies'), { recursive: true });
    writeFileSync(join(dir, 'labs', 'policies', 'openai-api-token-metrics.xml'), 'old');
    const edited = POLICY.replace('<policies>', "<policies>\n    <!-- a learner's $HOME `edit` with 'quotes' -->");
    const command = labCommandFor(edited, 'openai-api-token-metrics');
    // Run everything but the last line (the lab itself) in a real shell.
    const lines = command.split('\n');
    assert.equal(lines.at(-1), 'npm run lab:policy');
    execFileSync('bash', ['-e', '-c', lines.slice(0, -1).join('\n')], { cwd: dir });
    assert.equal(readFileSync(join(dir, 'labs', 'policies', 'openai-api-token-metrics.xml'), 'utf8'), edited);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.match(labCommandFor(POLICY, 'llm-emit-token-metric'), /npm run lab:policy -- --policy llm$/);
  assert.match(labCommandFor(POLICY, 'openai-api'), /npm run lab:import-api$/);
});

test('a result with a datetime column is drawn as lines per series, one without as bars', () => {
  const overTime = planChart({
    name: 'PrimaryResult',
    columns: [
      { name: 'subscription', type: 'string' },
      { name: 'timestamp', type: 'datetime' },
      { name: 'tokens', type: 'real' },
    ],
    rows: [
      ['chat-app', '2026-01-05T09:00:00Z', 100],
      ['data-team', '2026-01-05T09:00:00Z', 40],
      ['chat-app', '2026-01-05T09:01:00Z', 60],
    ],
  });
  assert.equal(overTime.kind, 'time');
  if (overTime.kind === 'time') {
    assert.deepEqual(overTime.series, ['chat-app', 'data-team']);
    assert.deepEqual(overTime.data, [
      { time: Date.parse('2026-01-05T09:00:00Z'), 'chat-app': 100, 'data-team': 40 },
      { time: Date.parse('2026-01-05T09:01:00Z'), 'chat-app': 60 },
    ]);
  }
  const byUser = planChart({
    name: 'PrimaryResult',
    columns: [
      { name: 'subscription', type: 'string' },
      { name: 'user', type: 'string' },
      { name: 'totalTokens', type: 'real' },
    ],
    rows: [['chat-app', 'ada', 99]],
  });
  assert.deepEqual(byUser, { kind: 'bars', measures: ['totalTokens'], data: [{ category: 'chat-app / ada', totalTokens: 99 }] });
  assert.equal(planChart({ name: 'PrimaryResult', columns: [{ name: 'name', type: 'string' }], rows: [['x']] }).kind, 'none');
});

test('usage and the answer are read from a JSON body and from a stream', async () => {
  const playground = createPlaygroundSandbox({ ingestionDelayMs: 0 });
  assert.deepEqual(playground.savePolicy(POLICY), { ok: true });
  const plain = await readResponseBody(await playground.send(DEFAULT_REQUEST));
  const streamed = await readResponseBody(await playground.send({ ...DEFAULT_REQUEST, stream: true, includeUsage: true }));
  const usage = usageOf(plain, false);
  assert.ok(usage && usage.total_tokens === usage.prompt_tokens + (usage.completion_tokens ?? 0));
  assert.deepEqual(usageOf(streamed, true), usage, 'the same request streamed reports the same usage');
  assert.equal(assistantText(streamed, true), assistantText(plain, false));
  const withoutUsage = await readResponseBody(await playground.send({ ...DEFAULT_REQUEST, stream: true, includeUsage: false }));
  assert.equal(usageOf(withoutUsage, true), undefined);
});

test('the in-memory view finds resources, children and extension resources in any casing', () => {
  const view = createPlaygroundSandbox().resources;
  assert.equal(view.get(ids.api.toUpperCase())?.name, 'openai');
  assert.deepEqual(
    view.children(ids.api.toLowerCase(), 'OPERATIONS').map((operation) => operation.name).sort(),
    ['ChatCompletions_Create', 'Completions_Create', 'embeddings_create'],
  );
  assert.deepEqual(view.children(ids.openAiAccount, 'roleAssignments').map((assignment) => assignment.id), [ids.roleAssignment]);
  assert.equal(view.ofType('microsoft.apimanagement/service/subscriptions').length, 4);
  const empty = new MemoryResources();
  assert.equal(empty.get(ids.api), undefined);
});

test('Reset forgets telemetry and switches, and keeps nothing pending', async () => {
  const playground = createPlaygroundSandbox({ ingestionDelayMs: 0 });
  playground.savePolicy(POLICY);
  playground.setPrerequisite('customMetricsWithDimensions', false);
  await readResponseBody(await playground.send(DEFAULT_REQUEST));
  await new Promise((done) => setTimeout(done, 10));
  assert.equal(playground.telemetry().metrics.rows.length, 3);
  assert.equal(playground.telemetry().log.length, 1);
  playground.reset();
  assert.deepEqual(playground.prerequisites(), { diagnosticMetrics: true, customMetricsWithDimensions: true, openAiRoleAssignment: true });
  assert.deepEqual(playground.telemetry(), { ...playground.telemetry(), pending: 0, log: [] });
  assert.equal(playground.telemetry().metrics.rows.length, 0);
});

/**
 * Load through the gateway: 5,000 chat completions at concurrency 50 from AzureOpenAI clients
 * (five learners, some streamed), then the summed `Total Tokens` metric in the workspace equals
 * the summed `usage.total_tokens` the clients received, exactly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGatewayLab, type GatewayLab } from './gateway-harness.ts';

let lab: GatewayLab;
before(async () => {
  lab = await startGatewayLab({ capacity: 100_000 });
});
after(async () => {
  await lab?.close();
});

const TOTAL = 5_000;
const CONCURRENCY = 50;
const PROMPTS = ['What is a token?', 'Explain tokens per minute.', 'Why use API Management in front of a model?', 'Summarise Application Insights in one line.', 'How are streamed tokens counted?'];

test(`${TOTAL} calls at concurrency ${CONCURRENCY}: metric totals equal the usage the clients saw`, async () => {
  const client = lab.client();
  let next = 0;
  let usageTotal = 0;
  const perUser = new Map<string, number>();
  const worker = async () => {
    while (next < TOTAL) {
      const i = next++;
      const user = `learner-${i % 5}`;
      const request = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: `${PROMPTS[i % PROMPTS.length]} (#${i})` }], max_tokens: 8 + (i % 24) };
      let tokens: number;
      if (i % 10 === 0) {
        const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } }, { headers: { 'x-user-id': user } });
        let seen = 0;
        for await (const chunk of stream) if (chunk.usage) seen = chunk.usage.total_tokens;
        tokens = seen;
      } else {
        tokens = (await client.chat.completions.create(request, { headers: { 'x-user-id': user } })).usage!.total_tokens;
      }
      assert.ok(tokens > 0);
      usageTotal += tokens;
      perUser.set(user, (perUser.get(user) ?? 0) + tokens);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  const [[sum, rows]] = await lab.query('AppMetrics | where Name == "Total Tokens" | summarize sum(Sum), count()');
  assert.equal(Number(rows), TOTAL, 'one Total Tokens row per call');
  assert.equal(Number(sum), usageTotal);
  const byUser = await lab.query('AppMetrics | where Name == "Total Tokens" | summarize tokens = sum(Sum) by user = tostring(Properties["User ID"])');
  assert.deepEqual(new Map(byUser.map(([user, tokens]) => [String(user), Number(tokens)])), perUser);
});

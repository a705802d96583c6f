/**
 * A deployment's capacity as a quota: `sku.capacity` x 1,000 tokens per minute and x 6 requests
 * per minute over a sliding minute, answered with Azure OpenAI's 429 body and Retry-After.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { json, labModel, post } from './model-fixtures.ts';

const TINY = '/openai/deployments/tiny/chat/completions';
const SUBDOMAIN = 'openai-lab-abc123';

test('token limit: 1 unit = 1,000 tokens per minute, then 429 with Retry-After until tokens age out', async () => {
  const { model, clock } = labModel();
  const started = clock.now;
  let used = 0;
  let answered = 0;
  let refusal: Awaited<ReturnType<typeof model.handle>> | undefined;
  for (let i = 0; i < 10 && refusal === undefined; i++) {
    const response = await model.handle(SUBDOMAIN, post(TINY, { messages: [{ role: 'user', content: 'count tokens '.repeat(60) + i }], max_tokens: 100 }));
    if (response.status === 429) {
      refusal = response;
      break;
    }
    const body = await json(response);
    used += body.usage.total_tokens;
    answered += 1;
    assert.equal(Number(response.headers['x-ratelimit-remaining-tokens']), 1000 - used);
    clock.now += 1000;
  }
  assert.ok(refusal, 'the quota runs out');
  assert.ok(answered >= 2);
  const body = await json(refusal);
  assert.equal(body.error.code, '429');
  assert.match(
    body.error.message,
    /^Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier\. Please retry after \d+ seconds?\./,
  );
  const retryAfter = Number(refusal.headers['retry-after']);
  assert.equal(refusal.headers['retry-after-ms'], String(retryAfter * 1000));
  // The first request was at `started`; it ages out 60 s later.
  assert.equal(retryAfter, Math.ceil((started + 60_000 - clock.now) / 1000));
  assert.match(body.error.message, new RegExp(`retry after ${retryAfter} second`));
  clock.now += retryAfter * 1000;
  const later = await model.handle(SUBDOMAIN, post(TINY, { messages: [{ role: 'user', content: 'count tokens '.repeat(60) }], max_tokens: 100 }));
  assert.equal(later.status, 200, 'answers again once the oldest tokens left the minute');
});

test('a request whose prompt plus max_tokens exceeds the minute is refused even on an idle deployment', async () => {
  const { model } = labModel();
  const response = await model.handle(SUBDOMAIN, post(TINY, { messages: [{ role: 'user', content: 'hi' }], max_tokens: 1000 }));
  assert.equal(response.status, 429);
  assert.equal(response.headers['retry-after'], '60');
});

test('request limit: 6 requests per minute per unit, "call rate limit" in the 429', async () => {
  const { model, clock } = labModel();
  for (let i = 0; i < 6; i++) {
    const response = await model.handle(SUBDOMAIN, post(TINY, { messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 }));
    assert.equal(response.status, 200);
    assert.equal(response.headers['x-ratelimit-remaining-requests'], String(5 - i));
    clock.now += 5_000;
  }
  const refused = await model.handle(SUBDOMAIN, post(TINY, { messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 }));
  assert.equal(refused.status, 429);
  assert.match((await json(refused)).error.message, /exceeded call rate limit/);
  assert.equal(refused.headers['retry-after'], String(60 - 30));
});

test('quotas are per deployment: a busy deployment does not slow another', async () => {
  const { model } = labModel();
  await model.handle(SUBDOMAIN, post(TINY, { messages: [{ role: 'user', content: 'hi' }], max_tokens: 990 }));
  assert.equal((await model.handle(SUBDOMAIN, post(TINY, { messages: [{ role: 'user', content: 'hi' }], max_tokens: 990 }))).status, 429);
  const other = await model.handle(SUBDOMAIN, post('/openai/deployments/gpt-4o-mini/chat/completions', { messages: [{ role: 'user', content: 'hi' }] }));
  assert.equal(other.status, 200);
  assert.equal(other.headers['x-ratelimit-remaining-requests'], String(20 * 6 - 1));
});

test('embeddings count against the quota with their prompt tokens and name Embeddings_Create when refused', async () => {
  const { model, resources } = labModel();
  const embed = resources.children('/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-lab/providers/Microsoft.CognitiveServices/accounts/openai-lab', 'deployments').find((d) => d.name === 'embed')!;
  embed.sku = { name: 'Standard', capacity: 1 };
  const long = 'tokens '.repeat(600);
  const first = await model.handle(SUBDOMAIN, post('/openai/deployments/embed/embeddings', { input: long }));
  assert.equal(first.status, 200);
  const used = (await json(first)).usage.prompt_tokens;
  assert.equal(first.headers['x-ratelimit-remaining-tokens'], String(1000 - used));
  const second = await model.handle(SUBDOMAIN, post('/openai/deployments/embed/embeddings', { input: long }));
  assert.equal(second.status, 429);
  assert.match((await json(second)).error.message, /^Requests to the Embeddings_Create Operation/);
});

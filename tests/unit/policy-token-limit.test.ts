/**
 * The token-limit policies through the gateway engine: tokens per minute (429), token quota (403),
 * Retry-After, the remaining/consumed header and variable names, prompt estimation, streaming.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MASTER_KEY, chatBody, createLab, withInbound } from './policy-fixture.ts';

const OUTBOUND_ECHO = '<outbound><base /><set-header name="x-vars" exists-action="override"><value>@(context.Variables.GetValueOrDefault&lt;int&gt;("remainingTokens", -1) + "/" + context.Variables.GetValueOrDefault&lt;int&gt;("consumed", -1))</value></set-header></outbound>';

function limitPolicy(attributes: string): string {
  return withInbound(`<azure-openai-token-limit counter-key="@(context.Subscription.Id)" ${attributes} />`).replace('<outbound><base /></outbound>', OUTBOUND_ECHO);
}

test('tokens per minute: calls pass until the minute is used up, then 429 with Retry-After and the gateway body', async () => {
  const lab = createLab();
  lab.setPolicy(limitPolicy('tokens-per-minute="100" estimate-prompt-tokens="false" remaining-tokens-variable-name="remainingTokens" remaining-tokens-header-name="x-remaining" tokens-consumed-header-name="x-consumed" tokens-consumed-variable-name="consumed"'));
  let used = 0;
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) {
    const response = await lab.call({ body: chatBody('Count to three.', { max_tokens: 20 }) });
    statuses.push(response.status);
    if (response.status !== 200) {
      assert.equal(response.status, 429);
      assert.match(response.text, /^\{ "statusCode": 429, "message": "Token limit is exceeded\. Try again in \d+ seconds?\." \}$/);
      assert.equal(response.headers['retry-after'], '60');
      break;
    }
    const usage = JSON.parse(response.text).usage;
    used += usage.total_tokens;
    assert.equal(response.headers['x-consumed'], String(usage.total_tokens));
    assert.equal(response.headers['x-remaining'], String(Math.max(0, 100 - used)));
    assert.equal(response.headers['x-vars'], `${Math.max(0, 100 - used)}/${usage.total_tokens}`);
  }
  assert.ok(used >= 100, 'without estimation, the call that crosses the limit still goes through');
  assert.equal(statuses.at(-1), 429);
  const forwardedBefore = lab.forwarded.length;

  lab.clock.now += 30_000;
  const later = await lab.call();
  assert.equal(later.status, 429);
  assert.equal(later.headers['retry-after'], '30');
  assert.equal(lab.forwarded.length, forwardedBefore, 'blocked calls never reach the backend');
  assert.equal((await lab.call({ key: MASTER_KEY })).status, 200, 'another counter key has its own counter');

  lab.clock.now += 30_000;
  assert.equal((await lab.call()).status, 200, 'a new minute');
});

test('estimate-prompt-tokens refuses up front a call whose prompt alone would exceed the limit', async () => {
  const lab = createLab();
  lab.setPolicy(limitPolicy('tokens-per-minute="30" estimate-prompt-tokens="true" tokens-consumed-variable-name="consumed" remaining-tokens-variable-name="remainingTokens"'));
  const long = 'tokens '.repeat(40);
  const refused = await lab.call({ body: chatBody(long) });
  assert.equal(refused.status, 429);
  assert.equal(lab.forwarded.length, 0);
  const small = await lab.call({ body: chatBody('Hi', { max_tokens: 5 }) });
  assert.equal(small.status, 200);
  const usage = JSON.parse(small.text).usage;
  assert.equal(small.headers['x-vars'], `${30 - usage.total_tokens}/${usage.total_tokens}`);
});

test('token quota: 403 with Retry-After until the period ends; custom retry header name and variable', async () => {
  const lab = createLab();
  lab.setPolicy(
    withInbound('<llm-token-limit counter-key="@(context.Subscription.Id)" token-quota="60" token-quota-period="Hourly" retry-after-header-name="x-retry-in" retry-after-variable-name="retryAfter" remaining-quota-tokens-header-name="x-quota-left" />').replace(
      '<on-error><base /></on-error>',
      '<on-error><base /></on-error>',
    ),
  );
  let status = 200;
  let calls = 0;
  while (status === 200 && calls < 20) {
    const response = await lab.call({ body: chatBody('Hello', { max_tokens: 15 }) });
    status = response.status;
    calls++;
    if (status === 200) assert.ok(Number(response.headers['x-quota-left']) >= 0);
    else {
      assert.equal(status, 403);
      assert.equal(response.text, '{ "statusCode": 403, "message": "Token quota is exceeded. Try again in 1 hour." }');
      assert.equal(response.headers['x-retry-in'], '3600');
      assert.equal(response.headers['retry-after'], undefined);
    }
  }
  assert.equal(status, 403);
  lab.clock.now += 20 * 60_000 + 5_000;
  const still = await lab.call();
  assert.equal(still.status, 403);
  assert.match(still.text, /Try again in 39 minutes and 55 seconds\./);
  lab.clock.now += 40 * 60_000;
  assert.equal((await lab.call()).status, 200, 'the next hour starts a fresh quota');
});

test('docs quota example without estimate-prompt-tokens runs', async () => {
  const lab = createLab();
  lab.setPolicy(withInbound('<llm-token-limit counter-key="@(context.Subscription.Id)" token-quota="10000" token-quota-period="Daily" remaining-quota-tokens-variable-name="remainingQuotaTokens" />'));
  assert.equal((await lab.call()).status, 200);
});

test('streamed calls always estimate the prompt and are settled with the streamed usage', async () => {
  const lab = createLab();
  lab.setPolicy(limitPolicy('tokens-per-minute="1000" estimate-prompt-tokens="false" remaining-tokens-header-name="x-remaining"'));
  const stream = await lab.call({ body: chatBody('Explain rate limits.', { stream: true, max_tokens: 30 }) });
  assert.equal(stream.status, 200);
  const promptEstimate = 1000 - Number(stream.headers['x-remaining']);
  assert.ok(promptEstimate > 0, 'headers sent before the stream carry the prompt estimate');
  const next = await lab.call({ body: chatBody('Explain rate limits.', { max_tokens: 30 }) });
  const usage = JSON.parse(next.text).usage;
  const remaining = Number(next.headers['x-remaining']);
  assert.ok(remaining <= 1000 - usage.total_tokens - promptEstimate, 'the streamed call was settled with more than its prompt');
});

test('quota periods are fixed UTC calendar windows', async () => {
  const { quotaWindowBounds } = await import('../../labs/sandbox/gateway/token-counters.ts');
  const at = Date.UTC(2026, 1, 18, 13, 45, 10); // Wednesday 18 February 2026
  const iso = (period: Parameters<typeof quotaWindowBounds>[0]) => {
    const { start, end } = quotaWindowBounds(period, at);
    return [new Date(start).toISOString(), new Date(end).toISOString()];
  };
  assert.deepEqual(iso('Hourly'), ['2026-02-18T13:00:00.000Z', '2026-02-18T14:00:00.000Z']);
  assert.deepEqual(iso('Daily'), ['2026-02-18T00:00:00.000Z', '2026-02-19T00:00:00.000Z']);
  assert.deepEqual(iso('Weekly'), ['2026-02-16T00:00:00.000Z', '2026-02-23T00:00:00.000Z']);
  assert.deepEqual(iso('Monthly'), ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
  assert.deepEqual(iso('Yearly'), ['2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
});

/**
 * Chat completions of the sandbox model, called in process: real token counts, the same answer
 * for the same request, `max_tokens` / `max_completion_tokens` cutting with `finish_reason:
 * "length"`, `stop`, `n`, server-sent-event framing with and without the usage chunk, and pacing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';
import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import { readResponseBody } from '../../labs/sandbox/core/exchange.ts';
import { countChatPromptTokens, splitModelUrl } from '../../labs/sandbox/model/index.ts';
import { CHAT, json, labModel, post, ssePayloads } from './model-fixtures.ts';

const MESSAGES = [
  { role: 'system', content: 'You are a helpful assistant for an Azure API Management course.' },
  { role: 'user', content: 'How do token limits protect an Azure OpenAI deployment?' },
];

test('a chat answer carries real token counts and Azure response fields', async () => {
  const { model } = labModel();
  const response = await model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES }));
  assert.equal(response.status, 200);
  assert.match(response.headers['content-type'], /^application\/json/);
  assert.match(response.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  const body = await json(response);
  assert.equal(body.object, 'chat.completion');
  assert.equal(body.model, 'gpt-4o-mini-2024-07-18');
  assert.match(body.id, /^chatcmpl-[A-Za-z0-9]{29}$/);
  assert.equal(body.choices.length, 1);
  const [choice] = body.choices;
  assert.equal(choice.finish_reason, 'stop');
  assert.equal(choice.message.role, 'assistant');
  assert.ok(choice.message.content.length > 40, 'a readable answer');
  assert.match(choice.message.content, /token|limits|protect/i, 'the answer speaks about the prompt');
  assert.equal(body.usage.prompt_tokens, countChatPromptTokens(MESSAGES, 'gpt-4o-mini'));
  assert.equal(body.usage.prompt_tokens, o200k.encodeChat(MESSAGES as never, 'gpt-4o').length);
  assert.equal(body.usage.completion_tokens, o200k.encode(choice.message.content).length);
  assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
  assert.equal(body.prompt_filter_results[0].content_filter_results.hate.filtered, false);
  assert.equal(Number(response.headers['x-ratelimit-remaining-tokens']), 20_000 - body.usage.total_tokens);
  assert.equal(response.headers['x-ratelimit-remaining-requests'], String(120 - 1));
});

test('a gpt-35-turbo deployment counts with cl100k_base', async () => {
  const { model } = labModel();
  const body = await json(await model.handle('openai-lab-abc123', post('/openai/deployments/gpt-35/chat/completions', { messages: MESSAGES })));
  assert.equal(body.model, 'gpt-35-turbo');
  assert.equal(body.usage.prompt_tokens, cl100k.encodeChat(MESSAGES as never, 'gpt-4').length);
  assert.equal(body.usage.completion_tokens, cl100k.encode(body.choices[0].message.content).length);
});

test('the same request gets the same answer; another prompt gets another', async () => {
  const first = await json(await labModel().model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES })));
  const again = await json(await labModel().model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES })));
  assert.equal(again.choices[0].message.content, first.choices[0].message.content);
  assert.deepEqual(again.usage, first.usage);
  const other = await json(
    await labModel().model.handle('openai-lab-abc123', post(CHAT, { messages: [{ role: 'user', content: 'Which KQL query sums prompt tokens per subscription?' }] })),
  );
  assert.notEqual(other.choices[0].message.content, first.choices[0].message.content);
  const seeded = await json(await labModel().model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES, seed: 42 })));
  const seededAgain = await json(await labModel().model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES, seed: 42 })));
  assert.equal(seeded.choices[0].message.content, seededAgain.choices[0].message.content);
});

test('max_tokens and max_completion_tokens cut the answer with finish_reason "length"', async () => {
  const { model } = labModel();
  const full = await json(await model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES })));
  const fullTokens = o200k.encode(full.choices[0].message.content);
  for (const limit of [1, 5, fullTokens.length - 1]) {
    for (const field of ['max_tokens', 'max_completion_tokens']) {
      const cut = await json(await model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES, [field]: limit })));
      assert.equal(cut.choices[0].finish_reason, 'length', `${field}=${limit}`);
      assert.equal(cut.usage.completion_tokens, limit);
      assert.equal(cut.choices[0].message.content, o200k.decode(fullTokens.slice(0, limit)));
    }
  }
  const roomy = await json(await model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES, max_tokens: fullTokens.length })));
  assert.equal(roomy.choices[0].finish_reason, 'stop');
  assert.equal(roomy.usage.completion_tokens, fullTokens.length);
});

test('stop sequences end the answer early; n gives several choices whose tokens add up', async () => {
  const { model } = labModel();
  const full = await json(await model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES })));
  const text: string = full.choices[0].message.content;
  const stop = text.split(' ')[3];
  const stopped = await json(await model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES, stop: [stop] })));
  assert.equal(stopped.choices[0].message.content, text.slice(0, text.indexOf(stop)));
  assert.equal(stopped.choices[0].finish_reason, 'stop');
  const many = await json(await model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES, n: 3 })));
  assert.deepEqual(many.choices.map((c: any) => c.index), [0, 1, 2]);
  const sum = many.choices.reduce((total: number, c: any) => total + o200k.encode(c.message.content).length, 0);
  assert.equal(many.usage.completion_tokens, sum);
});

test('response_format json_object answers a JSON object; names keep their casing in the answer', async () => {
  const { model } = labModel();
  const body = await json(await model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES, response_format: { type: 'json_object' } })));
  const parsed = JSON.parse(body.choices[0].message.content);
  assert.equal(typeof parsed.answer, 'string');
  assert.equal(body.usage.completion_tokens, o200k.encode(body.choices[0].message.content).length);
  const named = await json(await model.handle('openai-lab-abc123', post(CHAT, { messages: [{ role: 'user', content: 'Why does KQL help with Azure Monitor?' }] })));
  assert.match(named.choices[0].message.content, /KQL|Azure|Monitor/);
});

test('streaming sends the filter chunk, role chunk, one chunk per token, the finish chunk and [DONE]', async () => {
  const { model } = labModel();
  const plain = await json(await model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES, max_tokens: 12 })));
  const response = await model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES, max_tokens: 12, stream: true }));
  assert.equal(response.status, 200);
  assert.match(response.headers['content-type'], /^text\/event-stream/);
  assert.ok(response.stream, 'the body is streamed');
  const text = await readResponseBody(response);
  assert.ok(text.endsWith('data: [DONE]\n\n'));
  const payloads = ssePayloads(text);
  assert.equal(payloads.pop(), '[DONE]');
  const chunks = payloads.map((p) => JSON.parse(p));
  assert.deepEqual(chunks[0].choices, []);
  assert.ok(chunks[0].prompt_filter_results);
  assert.equal(chunks[1].choices[0].delta.role, 'assistant');
  const content = chunks.slice(2, -1);
  assert.equal(content.length, 12, 'one chunk per token');
  assert.equal(content.map((c) => c.choices[0].delta.content).join(''), plain.choices[0].message.content);
  for (const chunk of content) assert.equal(chunk.choices[0].finish_reason, null);
  const last = chunks.at(-1);
  assert.equal(last.choices[0].finish_reason, 'length');
  assert.deepEqual(last.choices[0].delta, {});
  assert.ok(chunks.every((c) => !('usage' in c)), 'no usage anywhere without include_usage');
  assert.ok(chunks.slice(1).every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[1].id));
});

test('stream_options.include_usage adds one usage chunk before [DONE] and null usage elsewhere', async () => {
  const { model } = labModel();
  const response = await model.handle(
    'openai-lab-abc123',
    post(CHAT, { messages: MESSAGES, stream: true, stream_options: { include_usage: true } }),
  );
  const payloads = ssePayloads(await readResponseBody(response));
  assert.equal(payloads.pop(), '[DONE]');
  const chunks = payloads.map((p) => JSON.parse(p));
  const usageChunk = chunks.pop();
  assert.deepEqual(usageChunk.choices, []);
  const streamed = chunks.slice(2).map((c) => c.choices[0].delta.content ?? '').join('');
  assert.equal(usageChunk.usage.completion_tokens, o200k.encode(streamed).length);
  assert.equal(usageChunk.usage.prompt_tokens, countChatPromptTokens(MESSAGES, 'gpt-4o-mini'));
  assert.equal(usageChunk.usage.total_tokens, usageChunk.usage.prompt_tokens + usageChunk.usage.completion_tokens);
  assert.ok(chunks.slice(1).every((c) => c.usage === null));
  assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
});

test('latency: time to first token, then one pause per token at the configured rate', async () => {
  const { model, sleeps } = labModel({ latency: { firstTokenMs: 300, tokensPerSecond: 50 } });
  const response = await model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES, max_tokens: 8, stream: true }));
  await readResponseBody(response);
  assert.deepEqual(sleeps, [300, ...Array(8).fill(20)]);
  sleeps.length = 0;
  await model.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES, max_tokens: 8 }));
  assert.deepEqual(sleeps, [300 + 8 * 20]);
  const { model: fast, sleeps: none } = labModel();
  await readResponseBody(await fast.handle('openai-lab-abc123', post(CHAT, { messages: MESSAGES, stream: true })));
  assert.deepEqual(none, [], 'no pauses without latency');
});

test('an account endpoint URL splits into the subdomain and the path for an in-process call', async () => {
  const url = 'https://127.0.0.1:47443/aoai/openai-lab-abc123/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21';
  const split = splitModelUrl(url);
  assert.deepEqual(split && { subdomain: split.subdomain, path: split.path, version: split.query.get('api-version') }, {
    subdomain: 'openai-lab-abc123',
    path: '/openai/deployments/gpt-4o-mini/chat/completions',
    version: '2024-10-21',
  });
  assert.equal(splitModelUrl('https://127.0.0.1:47443/apim/svc/openai/x'), undefined);
  const { model } = labModel();
  const request = { ...post(split!.path, { messages: MESSAGES }), query: split!.query };
  assert.equal((await model.handle(split!.subdomain, request)).status, 200);
});

/**
 * Properties of the sandbox model over many generated requests (fast-check): usage always equals
 * the tokenizer's count of what was sent and answered, the answer never exceeds the token limit,
 * the streamed text equals the plain answer, and the same request always gets the same answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';
import { readResponseBody } from '../../labs/sandbox/core/exchange.ts';
import { CHAT, json, labModel, post, ssePayloads } from './model-fixtures.ts';

const message = fc.record({
  role: fc.constantFrom('system', 'user', 'assistant'),
  content: fc.string({ unit: 'grapheme', maxLength: 200 }),
});
const request = fc.record({
  messages: fc.array(message, { minLength: 1, maxLength: 5 }),
  max_tokens: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
});

test('usage equals the tokenizer, the limit holds, streaming matches, answers repeat', async () => {
  const { model, clock } = labModel();
  await fc.assert(
    fc.asyncProperty(request, async (body) => {
      clock.now += 60_000; // a fresh minute of quota for every run
      const plain = await json(await model.handle('openai-lab-abc123', post(CHAT, body)));
      const text: string = plain.choices[0].message.content;
      const promptText = body.messages.reduce((sum, m) => sum + o200k.encode(m.role, { disallowedSpecial: new Set() }).length + o200k.encode(m.content, { disallowedSpecial: new Set() }).length + 3, 3);
      assert.equal(plain.usage.prompt_tokens, promptText);
      assert.equal(plain.usage.completion_tokens, o200k.encode(text).length);
      if (body.max_tokens !== undefined) assert.ok(plain.usage.completion_tokens <= body.max_tokens);
      if (plain.choices[0].finish_reason === 'length') assert.equal(plain.usage.completion_tokens, body.max_tokens);
      else assert.equal(plain.choices[0].finish_reason, 'stop');
      const streamed = ssePayloads(await readResponseBody(await model.handle('openai-lab-abc123', post(CHAT, { ...body, stream: true }))))
        .filter((p) => p !== '[DONE]')
        .map((p) => JSON.parse(p))
        .map((c) => c.choices[0]?.delta?.content ?? '')
        .join('');
      assert.equal(streamed, text);
      const again = await json(await model.handle('openai-lab-abc123', post(CHAT, body)));
      assert.equal(again.choices[0].message.content, text);
    }),
    { numRuns: 60 },
  );
});

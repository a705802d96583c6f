/**
 * Token counts of the sandbox model: the encoding chosen per deployed model, plain text counts
 * against gpt-tokenizer's own encoders, and the chat prompt overhead against OpenAI's published
 * example (129 tokens with cl100k_base, 124 with o200k_base) and gpt-tokenizer's chat encoder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';
import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import { encodeChat as encodeChatGpt4o } from 'gpt-tokenizer/model/gpt-4o';
import { encodeChat as encodeChatGpt4 } from 'gpt-tokenizer/model/gpt-4';
import {
  countChatPromptTokens,
  countTokens,
  encodingForModel,
  isEncodingLoaded,
  loadEncodingFor,
} from '../../labs/sandbox/model/index.ts';

const PROMPTS = [
  'Hello, world!',
  'How many tokens does this prompt use when it goes through API Management?',
  'Ünïcödé façade — naïve café; 東京タワー and emoji 🚀🔥 too.',
  '  leading and trailing spaces  \n\n\tand tabs\n',
  'const total = usage.prompt_tokens + usage.completion_tokens; // sum them',
  'customMetrics | where name == "Total Tokens" | summarize sum(value) by bin(timestamp, 1m)',
  'a'.repeat(500),
];

// OpenAI's token-counting guide, section 6: 129 prompt tokens on gpt-35-turbo and gpt-4, 124 on gpt-4o.
const COOKBOOK_MESSAGES = [
  { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
  { role: 'system', name: 'example_user', content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
  { role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
  { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

test('each deployed model family gets its own encoding', () => {
  for (const model of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-nano', 'o1', 'o3-mini', 'o4-mini', 'gpt-5-mini']) {
    assert.equal(encodingForModel(model), 'o200k_base', model);
  }
  for (const model of ['gpt-4', 'gpt-4-32k', 'gpt-4-turbo', 'gpt-35-turbo', 'gpt-35-turbo-16k', 'text-embedding-3-small', 'text-embedding-ada-002']) {
    assert.equal(encodingForModel(model), 'cl100k_base', model);
  }
});

test('encodings load on first use, then o200k counts equal the tokenizer for several prompts', async () => {
  assert.throws(() => countTokens('Hello', 'gpt-4o-mini'), /await loadEncodingFor\("gpt-4o-mini"\)/);
  await loadEncodingFor('gpt-4o-mini');
  assert.equal(isEncodingLoaded('gpt-4o'), true);
  for (const prompt of PROMPTS) {
    assert.equal(countTokens(prompt, 'gpt-4o-mini'), o200k.encode(prompt).length, prompt);
  }
  assert.equal(countTokens('', 'gpt-4o'), 0);
});

test('cl100k is loaded on demand, then counts equal the tokenizer', async () => {
  await loadEncodingFor('gpt-35-turbo');
  assert.equal(isEncodingLoaded('gpt-4'), true);
  for (const prompt of PROMPTS) {
    assert.equal(countTokens(prompt, 'gpt-4'), cl100k.encode(prompt).length, prompt);
  }
  assert.notEqual(countTokens(PROMPTS[2], 'gpt-4'), countTokens(PROMPTS[2], 'gpt-4o'), 'the two encodings differ on non-English text');
});

test('special-token text typed by a user counts as plain text', () => {
  const text = 'before <|endoftext|> after';
  assert.equal(countTokens(text, 'gpt-4o'), o200k.encode(text, { disallowedSpecial: new Set() }).length);
  assert.ok(countTokens(text, 'gpt-4o') > 3);
});

test('chat prompt tokens match the published counts: 124 (gpt-4o) and 129 (gpt-4, gpt-35-turbo)', async () => {
  await loadEncodingFor('gpt-4');
  assert.equal(countChatPromptTokens(COOKBOOK_MESSAGES, 'gpt-4o'), 124);
  assert.equal(countChatPromptTokens(COOKBOOK_MESSAGES, 'gpt-4o-mini'), 124);
  assert.equal(countChatPromptTokens(COOKBOOK_MESSAGES, 'gpt-4'), 129);
  assert.equal(countChatPromptTokens(COOKBOOK_MESSAGES, 'gpt-35-turbo'), 129);
});

test('chat overhead is 3 per message plus 3 for the reply, as gpt-tokenizer chat encoding counts it', async () => {
  await loadEncodingFor('gpt-4');
  const chats = [
    [{ role: 'user', content: 'Hello!' }],
    [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Summarize token usage for my API.' },
    ],
    PROMPTS.map((content, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content })),
  ];
  for (const chat of chats) {
    assert.equal(countChatPromptTokens(chat, 'gpt-4o'), encodeChatGpt4o(chat as never).length);
    assert.equal(countChatPromptTokens(chat, 'gpt-4'), encodeChatGpt4(chat as never).length);
    const textOnly = chat.reduce((sum, m) => sum + o200k.encode(m.role).length + o200k.encode(m.content).length, 0);
    assert.equal(countChatPromptTokens(chat, 'gpt-4o'), textOnly + 3 * chat.length + 3);
  }
  assert.equal(countChatPromptTokens([], 'gpt-4o'), 3);
});

test('content parts count their text; a name costs its tokens plus one', () => {
  const parts = [{ role: 'user', content: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'there' }] }];
  assert.equal(countChatPromptTokens(parts, 'gpt-4o'), countChatPromptTokens([{ role: 'user', content: 'Hello there' }], 'gpt-4o'));
  const named = countChatPromptTokens([{ role: 'user', name: 'learner', content: 'Hi' }], 'gpt-4o');
  const unnamed = countChatPromptTokens([{ role: 'user', content: 'Hi' }], 'gpt-4o');
  assert.equal(named - unnamed, o200k.encode('learner').length + 1);
});

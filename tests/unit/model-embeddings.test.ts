/**
 * Embeddings of the sandbox model: deterministic unit vectors of the model's size, base64
 * little-endian float32 (the `openai` client's default) or float arrays, `dimensions` where the
 * model supports it, and prompt-token usage counted with cl100k_base.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import { json, labModel, post } from './model-fixtures.ts';

const SUBDOMAIN = 'openai-lab-abc123';
const EMBED = '/openai/deployments/embed/embeddings';

function fromBase64(text: string): number[] {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  return Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
}

async function embed(body: unknown, path = EMBED) {
  const response = await labModel().model.handle(SUBDOMAIN, post(path, body));
  return { status: response.status, body: await json(response) };
}

test('float vectors: model size, unit length, same text same vector, usage from the tokenizer', async () => {
  const inputs = ['Monitor token usage with API Management', 'Monitor token usage with API Management', 'A recipe for pancakes'];
  const { status, body } = await embed({ input: inputs, encoding_format: 'float' });
  assert.equal(status, 200);
  assert.equal(body.object, 'list');
  assert.equal(body.model, 'text-embedding-3-small');
  assert.deepEqual(body.data.map((d: any) => [d.object, d.index]), [['embedding', 0], ['embedding', 1], ['embedding', 2]]);
  const [a, same, other] = body.data.map((d: any) => d.embedding as number[]);
  assert.equal(a.length, 1536);
  assert.ok(Math.abs(cosine(a, a) - 1) < 1e-5);
  assert.deepEqual(same, a);
  assert.ok(cosine(a, other) < 0.5, 'unrelated texts point elsewhere');
  const tokens = inputs.reduce((sum, text) => sum + cl100k.encode(text).length, 0);
  assert.deepEqual(body.usage, { prompt_tokens: tokens, total_tokens: tokens });
  const related = await embed({ input: ['Monitor token usage with Azure API Management gateways'], encoding_format: 'float' });
  assert.ok(cosine(a, related.body.data[0].embedding) > cosine(a, other), 'texts sharing words are closer');
});

test('base64 answers the same vector as little-endian float32 bytes', async () => {
  const text = 'Deterministic vectors for the lab';
  const floats = await embed({ input: text, encoding_format: 'float' });
  const packed = await embed({ input: text, encoding_format: 'base64' });
  assert.equal(typeof packed.body.data[0].embedding, 'string');
  assert.deepEqual(fromBase64(packed.body.data[0].embedding), floats.body.data[0].embedding);
  const again = await embed({ input: text, encoding_format: 'base64' });
  assert.equal(again.body.data[0].embedding, packed.body.data[0].embedding, 'the same run after run');
});

test('dimensions shortens text-embedding-3 vectors (still unit length); ada-002 refuses it; large has 3072', async () => {
  const short = await embed({ input: 'hello world', dimensions: 256, encoding_format: 'float' });
  assert.equal(short.body.data[0].embedding.length, 256);
  assert.ok(Math.abs(cosine(short.body.data[0].embedding, short.body.data[0].embedding) - 1) < 1e-5);
  const ada = await embed({ input: 'hello world', dimensions: 256 }, '/openai/deployments/ada/embeddings');
  assert.equal(ada.status, 400);
  assert.match(ada.body.error.message, /does not support specifying dimensions/);
  const adaPlain = await embed({ input: 'hello world', encoding_format: 'float' }, '/openai/deployments/ada/embeddings');
  assert.equal(adaPlain.body.data[0].embedding.length, 1536);
  assert.equal(adaPlain.body.model, 'text-embedding-ada-002');
});

test('token-array input counts its tokens; empty or missing input answers 400', async () => {
  const tokens = await embed({ input: [[1, 2, 3, 4]], encoding_format: 'float' });
  assert.equal(tokens.body.usage.prompt_tokens, 4);
  for (const body of [{}, { input: '' }, { input: [] }, { input: [1, 'a'] }, { input: 'x', encoding_format: 'hex' }]) {
    const refused = await embed(body);
    assert.equal(refused.status, 400, JSON.stringify(body));
    assert.equal(refused.body.error.type, 'invalid_request_error');
  }
  const tooLong = await embed({ input: 'word '.repeat(9000) });
  assert.equal(tooLong.status, 400);
  assert.match(tooLong.body.error.message, /maximum context length is 8192 tokens/);
});

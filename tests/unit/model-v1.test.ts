/**
 * The dateless `/openai/v1/...` routes: the deployment named by the body's `model`, no
 * api-version (or `v1`/`latest`/`preview`; a dated one is refused), and the key taken either as
 * `api-key` or as `Authorization: Bearer <key>`, as the plain `OpenAI` client sends it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALLOWED_PRINCIPAL, KEY1, json, labModel, post } from './model-fixtures.ts';

const SUBDOMAIN = 'openai-lab-abc123';
const V1_CHAT = '/openai/v1/chat/completions';
const MESSAGES = [{ role: 'user', content: 'What does the v1 route change?' }];

test('v1 chat answers like the dated route, deployment from the body', async () => {
  const { model } = labModel();
  const v1 = await json(await model.handle(SUBDOMAIN, post(V1_CHAT, { model: 'gpt-4o-mini', messages: MESSAGES }, { authorization: `Bearer ${KEY1}` }, null)));
  const dated = await json(await model.handle(SUBDOMAIN, post('/openai/deployments/gpt-4o-mini/chat/completions', { messages: MESSAGES })));
  assert.equal(v1.choices[0].message.content, dated.choices[0].message.content);
  assert.deepEqual(v1.usage, dated.usage);
  for (const version of ['v1', 'latest', 'preview']) {
    assert.equal((await model.handle(SUBDOMAIN, post(V1_CHAT, { model: 'gpt-4o-mini', messages: MESSAGES }, undefined, version))).status, 200, version);
  }
  const embedded = await json(await model.handle(SUBDOMAIN, post('/openai/v1/embeddings', { model: 'embed', input: 'hello', encoding_format: 'float' }, undefined, null)));
  assert.equal(embedded.data[0].embedding.length, 1536);
});

test('v1 refuses dated api-versions, a missing model, unknown deployments and wrong keys', async () => {
  const { model } = labModel();
  const dated = await model.handle(SUBDOMAIN, post(V1_CHAT, { model: 'gpt-4o-mini', messages: MESSAGES }, undefined, '2024-10-21'));
  assert.equal(dated.status, 400);
  assert.deepEqual(await json(dated), { error: { code: 'BadRequest', message: 'API version not supported' } });
  const noModel = await model.handle(SUBDOMAIN, post(V1_CHAT, { messages: MESSAGES }, undefined, null));
  assert.equal(noModel.status, 400);
  assert.equal((await json(noModel)).error.param, 'model');
  const unknown = await model.handle(SUBDOMAIN, post(V1_CHAT, { model: 'gpt-9', messages: MESSAGES }, undefined, null));
  assert.equal((await json(unknown)).error.code, 'DeploymentNotFound');
  const wrongKey = await model.handle(SUBDOMAIN, post(V1_CHAT, { model: 'gpt-4o-mini', messages: MESSAGES }, { authorization: 'Bearer not-a-key' }, null));
  assert.equal(wrongKey.status, 401);
  const entra = await model.handle(SUBDOMAIN, post(V1_CHAT, { model: 'gpt-4o-mini', messages: MESSAGES }, { authorization: `Bearer aoai:${ALLOWED_PRINCIPAL}` }, null));
  assert.equal(entra.status, 200, 'Entra tokens work on v1 too');
});

test('a key as a bearer token is accepted on v1 only', async () => {
  const { model } = labModel();
  const dated = await model.handle(SUBDOMAIN, post('/openai/deployments/gpt-4o-mini/chat/completions', { messages: MESSAGES }, { authorization: `Bearer ${KEY1}` }));
  assert.equal(dated.status, 401);
});

/**
 * The sandbox model refuses what Azure OpenAI refuses, with Azure's status codes and bodies:
 * routes and api-versions, key and Entra authentication (role on the account scope), deployment
 * lookup, the operation/model mismatch, and invalid request bodies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACCOUNT_ID,
  ALLOWED_PRINCIPAL,
  CHAT,
  KEY2,
  OTHER_PRINCIPAL,
  SUB,
  json,
  labModel,
  labResources,
  post,
  roleAssignment,
} from './model-fixtures.ts';

const SUBDOMAIN = 'openai-lab-abc123';
const MESSAGES = [{ role: 'user', content: 'Hello there' }];

async function call(request: ReturnType<typeof post>, resources = labResources()) {
  const response = await labModel({ resources }).model.handle(SUBDOMAIN, request);
  return { status: response.status, body: await json(response) };
}

test('unknown routes, methods and accounts answer 404 Resource not found', async () => {
  assert.deepEqual(await call(post('/openai/deployments/gpt-4o-mini/completions-typo', { messages: MESSAGES })), {
    status: 404,
    body: { error: { code: '404', message: 'Resource not found' } },
  });
  const { model } = labModel();
  assert.equal((await model.handle('no-such-account', post(CHAT, { messages: MESSAGES }))).status, 404);
  assert.equal((await model.handle(SUBDOMAIN, { ...post(CHAT, {}), method: 'GET' })).status, 404);
  const speech = labResources();
  speech.get(ACCOUNT_ID)!.kind = 'SpeechServices';
  assert.equal((await call(post(CHAT, { messages: MESSAGES }), speech)).status, 404, 'only OpenAI and AIServices accounts serve /openai');
  const aiServices = labResources();
  aiServices.get(ACCOUNT_ID)!.kind = 'AIServices';
  assert.equal((await call(post(CHAT, { messages: MESSAGES }), aiServices)).status, 200);
});

test('api-version: missing answers 404, unknown answers 400 "API version not supported"; GA and previews work', async () => {
  assert.equal((await call(post(CHAT, { messages: MESSAGES }, undefined, null))).status, 404);
  assert.deepEqual(await call(post(CHAT, { messages: MESSAGES }, undefined, '2099-01-01')), {
    status: 400,
    body: { error: { code: 'BadRequest', message: 'API version not supported' } },
  });
  for (const version of ['2024-02-01', '2024-06-01', '2024-10-21', '2024-12-01-preview', '2025-04-01-preview']) {
    assert.equal((await call(post(CHAT, { messages: MESSAGES }, undefined, version))).status, 200, version);
  }
});

test('api-key: key1 and key2 work; a wrong or missing key answers 401 as Azure does', async () => {
  assert.equal((await call(post(CHAT, { messages: MESSAGES }, { 'api-key': KEY2 }))).status, 200);
  const wrong = await call(post(CHAT, { messages: MESSAGES }, { 'api-key': 'not-the-key' }));
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error.code, '401');
  assert.match(wrong.body.error.message, /^Access denied due to invalid subscription key or wrong API endpoint\./);
  const missing = await call(post(CHAT, { messages: MESSAGES }, {}));
  assert.equal(missing.status, 401);
  assert.match(missing.body.error.message, /missing subscription key/);
});

test('keys are refused when the account disables local authentication', async () => {
  const resources = labResources();
  resources.get(ACCOUNT_ID)!.properties.disableLocalAuth = true;
  assert.deepEqual(await call(post(CHAT, { messages: MESSAGES }), resources), {
    status: 403,
    body: { error: { code: 'AuthenticationTypeDisabled', message: 'Key based authentication is disabled for this resource.' } },
  });
  assert.equal((await call(post(CHAT, { messages: MESSAGES }, { authorization: `Bearer aoai:${ALLOWED_PRINCIPAL}` }), resources)).status, 200);
});

test('Entra tokens: the right audience and an OpenAI User role on the account pass', async () => {
  assert.equal((await call(post(CHAT, { messages: MESSAGES }, { authorization: `Bearer aoai:${ALLOWED_PRINCIPAL}` }))).status, 200);
});

test('Entra tokens: a bad token or another audience answers 401; no data role answers 401 PermissionDenied', async () => {
  for (const authorization of ['Bearer garbage', `Bearer other:${ALLOWED_PRINCIPAL}`, 'Basic abc']) {
    const refused = await call(post(CHAT, { messages: MESSAGES }, { authorization }));
    assert.equal(refused.status, 401, authorization);
    assert.match(refused.body.error.message, /audience is incorrect \(https:\/\/cognitiveservices\.azure\.com\)/);
  }
  // OTHER_PRINCIPAL holds Contributor on the account: management rights, no data actions.
  assert.deepEqual(await call(post(CHAT, { messages: MESSAGES }, { authorization: `Bearer aoai:${OTHER_PRINCIPAL}` })), {
    status: 401,
    body: { error: { code: 'PermissionDenied', message: 'Principal does not have access to API/Operation.' } },
  });
});

test('a data role assigned on the resource group or subscription is inherited; one on another account is not', async () => {
  const principal = '33333333-3333-4333-8333-333333333333';
  const bearer = { authorization: `Bearer aoai:${principal}` };
  const elsewhere = labResources();
  elsewhere.put(roleAssignment(`/subscriptions/${SUB}/resourceGroups/rg-lab/providers/Microsoft.CognitiveServices/accounts/openai-other`, principal, '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'));
  assert.equal((await call(post(CHAT, { messages: MESSAGES }, bearer), elsewhere)).status, 401);
  const onGroup = labResources();
  onGroup.put(roleAssignment(`/subscriptions/${SUB}/resourceGroups/rg-lab`, principal, 'a97b65f3-24c7-4388-baec-2e87135dc908'));
  assert.equal((await call(post(CHAT, { messages: MESSAGES }, bearer), onGroup)).status, 200);
  const onSubscription = labResources();
  onSubscription.put(roleAssignment(`/subscriptions/${SUB}`, principal, 'a001fd3d-188f-4b5d-821b-7da978bf7442'));
  assert.equal((await call(post(CHAT, { messages: MESSAGES }, bearer), onSubscription)).status, 200);
  const similarName = labResources();
  similarName.put(roleAssignment(`/subscriptions/${SUB}/resourceGroups/rg-la`, principal, '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'));
  assert.equal((await call(post(CHAT, { messages: MESSAGES }, bearer), similarName)).status, 401, 'rg-la is not a parent of rg-lab');
});

test('deployments: unknown or still provisioning answer 404 DeploymentNotFound; names are case-insensitive', async () => {
  for (const name of ['nope', 'creating']) {
    const missing = await call(post(`/openai/deployments/${name}/chat/completions`, { messages: MESSAGES }));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'DeploymentNotFound');
    assert.match(missing.body.error.message, /^The API deployment for this resource does not exist\./);
  }
  assert.equal((await call(post('/openai/deployments/GPT-4o-Mini/chat/completions', { messages: MESSAGES }))).status, 200);
});

test('chat on an embedding model and embeddings on a chat model answer 400 OperationNotSupported', async () => {
  const chatOnEmbed = await call(post('/openai/deployments/embed/chat/completions', { messages: MESSAGES }));
  assert.equal(chatOnEmbed.status, 400);
  assert.equal(chatOnEmbed.body.error.code, 'OperationNotSupported');
  assert.match(chatOnEmbed.body.error.message, /^The chatCompletion operation does not work with the specified model, text-embedding-3-small\./);
  const embedOnChat = await call(post('/openai/deployments/gpt-4o-mini/embeddings', { input: 'x' }));
  assert.equal(embedOnChat.status, 400);
  assert.match(embedOnChat.body.error.message, /^The embeddings operation does not work/);
});

test('invalid bodies answer 400 invalid_request_error naming the parameter', async () => {
  const cases: Array<[unknown, string | null, RegExp]> = [
    ['{"messages": [', null, /could not parse the JSON body/],
    [{}, 'messages', /Missing required parameter: 'messages'/],
    [{ messages: 'hi' }, 'messages', /expected an array/],
    [{ messages: [] }, 'messages', /empty array/],
    [{ messages: [{ content: 'hi' }] }, 'messages[0].role', /Missing required parameter: 'messages\[0\].role'/],
    [{ messages: [{ role: 'robot', content: 'hi' }] }, 'messages[0].role', /Invalid value: 'robot'/],
    [{ messages: [{ role: 'user' }] }, 'messages[0].content', /Missing required parameter/],
    [{ messages: MESSAGES, max_tokens: 0 }, 'max_tokens', /integer below minimum value/],
    [{ messages: MESSAGES, max_tokens: 'ten' }, 'max_tokens', /expected an integer/],
    [{ messages: MESSAGES, n: 500 }, 'n', /above maximum value/],
    [{ messages: MESSAGES, stream_options: { include_usage: true } }, 'stream_options', /only allowed when 'stream' is enabled/],
    [{ messages: MESSAGES, max_tokens: 200_000 }, 'messages', /maximum context length is 128000 tokens/],
    [{ messages: MESSAGES, temperature: 3 }, 'temperature', /decimal above maximum value\. Expected a value <= 2, but got 3/],
    [{ messages: MESSAGES, top_p: 'high' }, 'top_p', /expected a number/],
  ];
  for (const [body, param, message] of cases) {
    const refused = await call(post(CHAT, body));
    assert.equal(refused.status, 400, JSON.stringify(body));
    assert.equal(refused.body.error.type, 'invalid_request_error');
    assert.equal(refused.body.error.param, param, JSON.stringify(body));
    assert.match(refused.body.error.message, message);
  }
});

test('reasoning models take max_completion_tokens and refuse max_tokens', async () => {
  const path = '/openai/deployments/o3-mini/chat/completions';
  const refused = await call(post(path, { messages: MESSAGES, max_tokens: 10 }));
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.code, 'unsupported_parameter');
  const fine = await call(post(path, { messages: MESSAGES, max_completion_tokens: 10 }));
  assert.equal(fine.status, 200);
  assert.equal(fine.body.model, 'o3-mini-2025-01-31');
});

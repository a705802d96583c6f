/**
 * The model through a started sandbox and the real `openai` package: an Azure OpenAI account and
 * deployments made through ARM, then `AzureOpenAI` with an api-key and with Entra ID
 * (`DefaultAzureCredential` via the sandbox's managed-identity endpoint): plain, streaming with and
 * without the usage chunk, embeddings as base64 and floats, quota and error answers.
 *
 * The client runs in its own process with the sandbox's environment, as a lab step does, so the
 * sandbox's certificate is trusted through NODE_EXTRA_CA_CERTS.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';
import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import { startSandbox, type RunningSandbox } from '../../labs/sandbox/server.ts';

const run = promisify(execFile);
const MESSAGES = [
  { role: 'system', content: 'You are a helpful assistant for an API Management course.' },
  { role: 'user', content: 'How do I see prompt tokens per subscription in Application Insights?' },
];
let sandbox: RunningSandbox;
let stateDir: string;
let report: Record<string, any>;

function value(name: string): any {
  const outcome = report[name];
  assert.ok(outcome.ok, `${name} failed: ${JSON.stringify(outcome)}`);
  return outcome.value;
}

function failure(name: string): any {
  const outcome = report[name];
  assert.equal(outcome.ok, false, `${name} should have failed`);
  return outcome;
}

before(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'sandbox-model-'));
  sandbox = await startSandbox({ port: 0, stateDir, ingestionDelayMs: 0, quiet: true, modelLatency: { firstTokenMs: 150, tokensPerSecond: 200 } });
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...sandbox.env() };
  for (const name of ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_OPENAI_API_KEY', 'OPENAI_API_VERSION']) delete env[name];
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'model-client.ts'), JSON.stringify(MESSAGES)], { env, maxBuffer: 64 * 1024 * 1024 });
  report = JSON.parse(stdout.trim().split('\n').pop()!);
});

after(async () => {
  await sandbox?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

test('the account endpoint is the sandbox model mount', () => {
  assert.match(report.endpoint, new RegExp(`^${sandbox.url}/aoai/openai-model-test-[0-9a-f]{8}/$`));
});

test('plain chat with an api-key: real token counts, deterministic answer, Azure headers', () => {
  const plain = value('plain');
  assert.equal(plain.object, 'chat.completion');
  assert.equal(plain.model, 'gpt-4o-mini-2024-07-18');
  assert.equal(plain.choices[0].finish_reason, 'stop');
  assert.equal(plain.usage.prompt_tokens, o200k.encodeChat(MESSAGES as never, 'gpt-4o').length);
  assert.equal(plain.usage.completion_tokens, o200k.encode(plain.choices[0].message.content).length);
  assert.equal(value('plainAgain').choices[0].message.content, plain.choices[0].message.content);
  const headers = value('withHeaders');
  assert.match(headers['x-request-id'], /^[0-9a-f-]{36}$/);
  assert.ok(Number(headers['x-ratelimit-remaining-tokens']) < 30_000);
  assert.ok(Number(headers['x-ratelimit-remaining-requests']) < 180);
  assert.equal(value('keyTwo').choices[0].finish_reason, 'length', 'key2 works too');
});

test('max_tokens cuts the answer with finish_reason "length"', () => {
  const cut = value('length');
  assert.equal(cut.choices[0].finish_reason, 'length');
  assert.equal(cut.usage.completion_tokens, 7);
  assert.equal(cut.choices[0].message.content, o200k.decode(o200k.encode(value('plain').choices[0].message.content).slice(0, 7)));
});

test('streaming arrives in pieces over time, the same text, usage only with include_usage', () => {
  const plain = value('plain');
  for (const name of ['streamed', 'streamedWithUsage']) {
    const chunks = value(name);
    const content = chunks.flatMap((c: any) => c.choices.map((choice: any) => choice.delta?.content ?? '')).join('');
    assert.equal(content, plain.choices[0].message.content, name);
    const pieces = chunks.filter((c: any) => c.choices[0]?.delta?.content);
    assert.equal(pieces.length, plain.usage.completion_tokens, 'one chunk per token');
    assert.ok(pieces.at(-1).receivedAt - pieces[0].receivedAt >= 100, 'tokens arrive paced, not at once');
    assert.equal(chunks.findLast((c: any) => c.choices.length > 0).choices[0].finish_reason, 'stop');
  }
  assert.ok(value('streamed').every((c: any) => c.usage === undefined || c.usage === null));
  const helper = value('streamHelper');
  assert.equal(helper.choices[0].message.content, plain.choices[0].message.content, 'the stream helper assembles the same answer');
  assert.equal(helper.usage.total_tokens, plain.usage.total_tokens);
  const withUsage = value('streamedWithUsage');
  assert.deepEqual(withUsage.at(-1).choices, []);
  assert.deepEqual(
    { prompt: withUsage.at(-1).usage.prompt_tokens, completion: withUsage.at(-1).usage.completion_tokens, total: withUsage.at(-1).usage.total_tokens },
    { prompt: plain.usage.prompt_tokens, completion: plain.usage.completion_tokens, total: plain.usage.total_tokens },
  );
});

test('embeddings: the client default (base64) and float answer the same vectors', () => {
  const base64 = value('embedDefault');
  const floats = value('embedFloat');
  assert.deepEqual(base64.data.map((d: any) => d.length), [1536, 1536]);
  assert.deepEqual(base64.data, floats.data);
  const tokens = cl100k.encode('Monitor tokens with API Management').length + cl100k.encode('Query customMetrics with KQL').length;
  assert.deepEqual(base64.usage, { prompt_tokens: tokens, total_tokens: tokens });
});

test('the v1 routes answer the plain OpenAI client the same way', () => {
  const chat = value('v1Chat');
  assert.equal(chat.choices[0].message.content, value('plain').choices[0].message.content);
  assert.deepEqual(chat.usage, value('plain').usage);
  assert.deepEqual(value('v1Embed').data, value('embedFloat').data);
});

test('errors reach the client as Azure OpenAI sends them', () => {
  const wrongKey = failure('wrongKey');
  assert.equal(wrongKey.status, 401);
  assert.match(wrongKey.message, /^401 Access denied due to invalid subscription key/);
  const noDeployment = failure('noDeployment');
  assert.equal(noDeployment.status, 404);
  assert.equal(noDeployment.code, 'DeploymentNotFound');
  const badVersion = failure('badVersion');
  assert.equal(badVersion.status, 400);
  assert.equal(badVersion.message, '400 API version not supported');
  const empty = failure('emptyMessages');
  assert.equal(empty.status, 400);
  assert.match(empty.message, /empty array/);
});

test('a 1-unit deployment answers 429 with Retry-After once its 1,000 tokens per minute are used', () => {
  const { answered, refusal: quota } = report.quota;
  assert.equal(answered.length, 1, 'the first request fits (prompt + max_tokens 900 <= 1,000), the second does not');
  assert.ok(quota, 'the quota runs out');
  assert.equal(quota.status, 429);
  assert.equal(quota.code, '429');
  assert.match(quota.message, /exceeded token rate limit of your current OpenAI S0 pricing tier/);
  assert.ok(Number(quota.headers['retry-after']) >= 1);
});

test('Entra ID: PermissionDenied without a data role, answers once Cognitive Services OpenAI User is assigned', () => {
  const denied = failure('entraWithoutRole');
  assert.equal(denied.status, 401);
  assert.equal(denied.code, 'PermissionDenied');
  value('roleAssignment');
  const answered = value('entraWithRole');
  assert.equal(answered.choices[0].message.content, value('plain').choices[0].message.content);
});

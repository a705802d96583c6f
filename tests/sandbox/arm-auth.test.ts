/**
 * Sandbox identity and access: the managed-identity token endpoint, signed tokens with audience
 * and expiry, Azure's 401 InvalidAuthenticationToken on ARM, the Logs 401, the secret file's mode,
 * and loopback-only binding.
 */
import { strict as assert } from 'node:assert';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { TokenService, loadOrCreateSecrets } from '../../labs/sandbox/identity.ts';
import { startTestSandbox, type TestSandbox } from './arm-harness.ts';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(async () => {
  await t.close();
});

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

test('DefaultAzureCredential gets a token from the sandbox token endpoint, per audience, with expiry and principal', async () => {
  const arm = await t.credential.getToken(`${t.sandbox.url}/.default`);
  const logs = await t.credential.getToken('https://api.loganalytics.io/.default');
  assert.equal(claims(arm.token).aud, t.sandbox.url);
  assert.equal(claims(logs.token).aud, 'https://api.loganalytics.io');
  assert.match(String(claims(arm.token).oid), /^[0-9a-f-]{36}$/);
  assert.ok(arm.expiresOnTimestamp > Date.now() + 30 * 60_000);
});

test('the token endpoint refuses a wrong identity header and an unknown audience', async () => {
  const env = t.sandbox.env();
  const path = `/msi/token?api-version=2019-08-01&resource=${encodeURIComponent('https://management.azure.com')}`;
  const wrong = await t.raw('GET', path, { token: null, headers: { 'x-identity-header': 'nope' } });
  assert.equal(wrong.status, 401);
  assert.match(wrong.json.error_description, /IDENTITY_HEADER/);
  const unknown = await t.raw('GET', '/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net', { token: null, headers: { 'x-identity-header': env.IDENTITY_HEADER } });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error, 'invalid_resource');
  const ok = await t.raw('GET', path, { token: null, headers: { 'x-identity-header': env.IDENTITY_HEADER } });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.token_type, 'Bearer');
  assert.match(ok.json.expires_on, /^\d+$/);
});

test('ARM answers 401 InvalidAuthenticationToken without a token, with a forged one, an expired one, or one for another audience', async () => {
  const path = `/subscriptions/${t.subscriptionId}/resourcegroups?api-version=2025-04-01`;
  const missing = await t.raw('GET', path, { token: null });
  assert.equal(missing.status, 401);
  assert.equal(missing.json.error.code, 'InvalidAuthenticationToken');
  assert.match(String(missing.headers['www-authenticate']), /^Bearer /);
  const forged = await t.raw('GET', path, { token: 'eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl' });
  assert.equal(forged.status, 401);
  assert.equal(forged.json.error.code, 'InvalidAuthenticationToken');
  const secrets = loadOrCreateSecrets(t.sandbox.stateDir);
  const past = new TokenService(secrets, 'tenant', () => Date.now() - 7200_000).issue('00000000-0000-0000-0000-000000000001', t.sandbox.url);
  const expired = await t.raw('GET', path, { token: past.token });
  assert.equal(expired.status, 401);
  assert.match(expired.json.error.message, /expiry/);
  const logsToken = (await t.credential.getToken('https://api.loganalytics.io/.default')).token;
  const audience = await t.raw('GET', path, { token: logsToken });
  assert.equal(audience.status, 401);
  assert.match(audience.json.error.message, /wrong audience/);
  const management = new TokenService(secrets, 'tenant', Date.now).issue('00000000-0000-0000-0000-000000000001', 'https://management.azure.com/');
  assert.equal((await t.raw('GET', path, { token: management.token })).status, 200);
});

test('the Logs query API refuses requests without a Logs token in the Logs error shape', async () => {
  const missing = await t.raw('POST', '/v1/workspaces/x/query', { token: null, body: { query: 'AppMetrics' } });
  assert.equal(missing.status, 401);
  assert.equal(missing.json.error.code, 'AuthorizationRequiredError');
  const armToken = await t.armToken();
  const wrong = await t.raw('POST', '/workspaces/x/query', { token: armToken, body: { query: 'AppMetrics' } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.error.code, 'InvalidTokenError');
});

test('the secrets file is private (0600), the server listens on 127.0.0.1 only, and env() names every variable', () => {
  assert.equal(statSync(join(t.sandbox.stateDir, 'secrets.json')).mode & 0o777, 0o600);
  assert.equal(statSync(join(t.sandbox.stateDir, 'key.pem')).mode & 0o777, 0o600);
  assert.match(t.sandbox.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(Object.keys(t.sandbox.env()).sort(), ['AZURE_SUBSCRIPTION_ID', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'LAB_ARM_ENDPOINT', 'LAB_LOGS_ENDPOINT', 'NODE_EXTRA_CA_CERTS']);
  assert.equal(t.sandbox.env().LAB_LOGS_ENDPOINT, `${t.sandbox.url}/v1`);
});

/**
 * The gateway end to end in a started sandbox, set up through the ARM SDK clients, called with the
 * real `openai` package's AzureOpenAI client, token metrics read back with LogsQueryClient.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticationError, PermissionDeniedError, RateLimitError } from 'openai';
import { API_VERSION, TOKEN_METRICS_POLICY, startGatewayLab, type GatewayLab } from './gateway-harness.ts';

let lab: GatewayLab;
before(async () => {
  lab = await startGatewayLab();
});
after(async () => {
  await lab?.close();
});

const MESSAGES = [{ role: 'system' as const, content: 'You are a concise teaching assistant.' }, { role: 'user' as const, content: 'Why count tokens at the gateway?' }];

async function tokensFor(user: string): Promise<Record<string, number>> {
  const rows = await lab.query(`AppMetrics | where tostring(Properties["User ID"]) == "${user}" | summarize total = sum(Sum) by Name`);
  return Object.fromEntries(rows.map(([name, total]) => [String(name), Number(total)]));
}

async function metricRowCount(): Promise<number> {
  const rows = await lab.query('AppMetrics | where Name in ("Prompt Tokens", "Completion Tokens", "Total Tokens") | count');
  return Number(rows[0][0]);
}

async function rawGateway(path: string, headers: Record<string, string>, body = '{}'): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${lab.gatewayUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, dispatcher: lab.dispatcher } as RequestInit);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

test('a chat completion through the gateway: the answer, and its usage as three token metrics with dimensions', async () => {
  const client = lab.client();
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, max_tokens: 30 }, { headers: { 'x-user-id': 'plain-user' } });
  assert.ok(completion.choices[0].message.content);
  const usage = completion.usage!;
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  assert.deepEqual(await tokensFor('plain-user'), { 'Prompt Tokens': usage.prompt_tokens, 'Completion Tokens': usage.completion_tokens, 'Total Tokens': usage.total_tokens });

  const [row] = await lab.query('AppMetrics | where tostring(Properties["User ID"]) == "plain-user" and Name == "Total Tokens" | project Properties');
  const dimensions = typeof row[0] === 'string' ? JSON.parse(row[0]) : row[0];
  assert.deepEqual(dimensions, { 'API ID': 'openai', 'Subscription ID': 'learner-1', 'User ID': 'plain-user', 'Client IP': '127.0.0.1' });
  const requests = await lab.query('AppRequests | where Name == "POST /openai/deployments/{deployment-id}/chat/completions" | summarize n = count() by ResultCode');
  assert.ok(requests.some(([code, n]) => String(code) === '200' && Number(n) >= 1), 'a requests row per call');
});

test('streaming through the gateway: chunks arrive, metrics come from the usage chunk, or are estimated without it', async () => {
  const client = lab.client();
  const stream = await client.chat.completions.create(
    { model: 'gpt-4o-mini', messages: MESSAGES, max_tokens: 40, stream: true, stream_options: { include_usage: true } },
    { headers: { 'x-user-id': 'stream-usage' } },
  );
  let text = '';
  let usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | undefined;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  assert.ok(chunks > 3 && text.length > 0);
  assert.ok(usage);
  assert.deepEqual(await tokensFor('stream-usage'), { 'Prompt Tokens': usage.prompt_tokens, 'Completion Tokens': usage.completion_tokens, 'Total Tokens': usage.total_tokens });

  const reference = (await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, max_tokens: 40 })).usage!;
  const bare = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, max_tokens: 40, stream: true }, { headers: { 'x-user-id': 'stream-estimated' } });
  for await (const _chunk of bare) {
    // read to the end
  }
  const estimated = await tokensFor('stream-estimated');
  assert.equal(estimated['Prompt Tokens'], reference.prompt_tokens, 'the prompt estimate counts as the model does');
  assert.ok(Math.abs(estimated['Completion Tokens'] - reference.completion_tokens) <= 2);
  assert.equal(estimated['Total Tokens'], estimated['Prompt Tokens'] + estimated['Completion Tokens']);
});

test('subscription keys: wrong key, missing key, the default header after the api-key rename, the built-in subscription', async () => {
  await assert.rejects(lab.client({ apiKey: 'not-a-key' }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }), (error: unknown) => {
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.status, 401);
    return true;
  });
  const path = `/openai/deployments/gpt-4o-mini/chat/completions?api-version=${API_VERSION}`;
  const invalid = await rawGateway(path, { 'api-key': 'not-a-key' });
  assert.equal(invalid.text, '{ "statusCode": 401, "message": "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription." }');
  const missing = await rawGateway(path, {});
  assert.equal(missing.status, 401);
  assert.equal(missing.text, '{ "statusCode": 401, "message": "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API." }');
  assert.equal(missing.headers.get('www-authenticate'), `AzureApiManagementKey realm="${lab.gatewayUrl}/openai",name="api-key",type="header"`);
  assert.equal((await rawGateway(path, { 'Ocp-Apim-Subscription-Key': lab.subscriptionKey })).status, 401);
  const notFound = await rawGateway('/openai/nothing', { 'api-key': lab.subscriptionKey });
  assert.equal(notFound.status, 404);
  assert.equal(notFound.text, '{ "statusCode": 404, "message": "Resource not found" }');
  const viaMaster = await lab.client({ apiKey: lab.masterKey }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, max_tokens: 5 });
  assert.equal(viaMaster.usage!.completion_tokens, 5);
});

test('token limits: 429 with Retry-After over tokens-per-minute, 403 over the quota', async () => {
  const client = lab.client();
  await lab.setPolicy(TOKEN_METRICS_POLICY.replace('<base />', '<base />\n<azure-openai-token-limit counter-key="@(context.Subscription.Id)" tokens-per-minute="150" estimate-prompt-tokens="false" remaining-tokens-header-name="x-remaining-tokens" />'));
  let limited: RateLimitError | undefined;
  let passed = 0;
  for (let i = 0; i < 20 && !limited; i++) {
    try {
      const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, max_tokens: 25 }).withResponse();
      assert.ok(Number(response.headers.get('x-remaining-tokens')) >= 0);
      passed++;
    } catch (error) {
      if (!(error instanceof RateLimitError)) throw error;
      limited = error;
    }
  }
  assert.ok(passed >= 2 && limited, `some calls pass (${passed}), then the limit answers`);
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers?.get('retry-after')) > 0);
  const path = `/openai/deployments/gpt-4o-mini/chat/completions?api-version=${API_VERSION}`;
  const body = JSON.stringify({ messages: MESSAGES, max_tokens: 5 });
  const limitedRaw = await rawGateway(path, { 'api-key': lab.subscriptionKey }, body);
  assert.equal(limitedRaw.status, 429);
  assert.match(limitedRaw.text, /^\{ "statusCode": 429, "message": "Token limit is exceeded\. Try again in \d+ seconds?\." \}$/);

  await lab.setPolicy(TOKEN_METRICS_POLICY.replace('<base />', '<base />\n<llm-token-limit counter-key="@(context.Subscription.Id + &quot;-quota&quot;)" token-quota="120" token-quota-period="Daily" estimate-prompt-tokens="false" />'));
  let denied: PermissionDeniedError | undefined;
  for (let i = 0; i < 20 && !denied; i++) {
    try {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, max_tokens: 25 });
    } catch (error) {
      if (!(error instanceof PermissionDeniedError)) throw error;
      denied = error;
    }
  }
  assert.ok(denied);
  assert.equal(denied.status, 403);
  assert.ok(Number(denied.headers?.get('retry-after')) > 0);
  const deniedRaw = await rawGateway(path, { 'api-key': lab.subscriptionKey }, body);
  assert.equal(deniedRaw.status, 403);
  assert.match(deniedRaw.text, /^\{ "statusCode": 403, "message": "Token quota is exceeded\. Try again in .+\." \}$/);
  await lab.setPolicy(TOKEN_METRICS_POLICY);
});

test('metrics only when every prerequisite holds: emit policy, diagnostic with metrics: true, custom metrics with dimensions', async () => {
  const client = lab.client();
  const send = (user: string) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, max_tokens: 5 }, { headers: { 'x-user-id': user } });

  const base = TOKEN_METRICS_POLICY.replace(/<azure-openai-emit-token-metric[\s\S]*<\/azure-openai-emit-token-metric>/, '');
  await lab.setPolicy(base);
  let before = await metricRowCount();
  await send('no-policy');
  assert.equal(await metricRowCount(), before, 'no emit policy, no metrics');
  await lab.setPolicy(TOKEN_METRICS_POLICY);

  await lab.setDiagnostic({ metrics: false });
  before = await metricRowCount();
  await send('metrics-off');
  assert.equal(await metricRowCount(), before, 'metrics: false, no metrics');

  await lab.setDiagnostic(undefined);
  await send('no-diagnostic');
  assert.equal(await metricRowCount(), before, 'no diagnostic, no metrics');

  await lab.setDiagnostic({ metrics: true });
  await send('all-on');
  assert.equal(await metricRowCount(), before + 3);

  await lab.setWithDimensions(false);
  await send('no-dimensions');
  assert.equal(await metricRowCount(), before + 6, 'rows still arrive');
  const rows = await lab.query('AppMetrics | where Name == "Total Tokens" | order by TimeGenerated desc | take 1 | project Properties');
  const properties = typeof rows[0][0] === 'string' ? JSON.parse(rows[0][0] as string) : rows[0][0];
  assert.equal(properties?.['User ID'], undefined, 'without "With dimensions" the dimensions are dropped');
  await lab.setWithDimensions(true);
});

test('saving a policy the gateway cannot run is refused by ARM with the element, line, column and expression', async () => {
  const broken = TOKEN_METRICS_POLICY.replace('<dimension name="Client IP" value="@(context.Request.IpAddress)" />', '<dimension name="Body" value="@(context.Request.Body.As&lt;JObject&gt;()[&quot;user&quot;])" />');
  const answer = await lab.t.raw('PUT', `${lab.gatewayApiPolicyId}?api-version=2024-05-01`, { body: { properties: { format: 'rawxml', value: broken } } });
  assert.equal(answer.status, 400);
  assert.equal(answer.json.error.code, 'ValidationError');
  const [detail] = answer.json.error.details;
  assert.match(detail.message, /^Error in element 'dimension' on line \d+, column \d+: the expression '@\(context\.Request\.Body\.As<JObject>\(\)\["user"\]\)' in attribute 'value' is not supported by the sandbox: 'Body' is not a supported member/);
  const client = lab.client();
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, max_tokens: 5 }, { headers: { 'x-user-id': 'after-refusal' } });
  assert.equal((await tokensFor('after-refusal'))['Total Tokens'] > 0, true, 'the previous policy stays in force');
});

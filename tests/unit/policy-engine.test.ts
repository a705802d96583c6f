/**
 * The gateway engine run directly, as the browser playground runs it: an in-memory APIM service,
 * the real sandbox model behind it. Covers routing, keys, composition through <base />, and each
 * policy element's behaviour.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_ID, BASE_POLICY, CHAT_PATH, MASTER_KEY, SERVICE_ID, chatBody, createLab, metricsNamed, withInbound } from './policy-fixture.ts';

const EMIT = `<azure-openai-emit-token-metric namespace="AzureOpenAI">
  <dimension name="API ID" />
  <dimension name="Subscription ID" />
  <dimension name="User ID" value='@(context.Request.Headers.GetValueOrDefault("x-user-id", "anonymous"))' />
  <dimension name="Client IP" value="@(context.Request.IpAddress)" />
</azure-openai-emit-token-metric>`;

test('no matching API, operation or service: 404 with the gateway body', async () => {
  const lab = createLab();
  for (const path of ['/nothing/here', '/openai/deployments/x/unknown', '/openai']) {
    const response = await lab.call({ path });
    assert.equal(response.status, 404, path);
    assert.equal(response.text, '{ "statusCode": 404, "message": "Resource not found" }');
  }
  assert.equal((await lab.call({ method: 'GET' })).status, 404, 'wrong method');
  const noService = await lab.gateway.handle('other', { method: 'POST', path: CHAT_PATH, query: new URLSearchParams(), headers: {}, body: '', ip: '::1' });
  assert.equal(noService.status, 404);
});

test('missing and invalid keys: Azure 401 bodies and the WWW-Authenticate challenge with the configured header', async () => {
  const lab = createLab();
  const missing = await lab.call({ key: null });
  assert.equal(missing.status, 401);
  assert.equal(missing.text, '{ "statusCode": 401, "message": "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API." }');
  assert.equal(missing.text.length, 152);
  assert.equal(missing.headers['www-authenticate'], 'AzureApiManagementKey realm="https://127.0.0.1:47443/apim/apim-lab/openai",name="api-key",type="header"');
  const invalid = await lab.call({ key: 'nope' });
  assert.equal(invalid.status, 401);
  assert.equal(invalid.text, '{ "statusCode": 401, "message": "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription." }');
  assert.equal((await lab.call({ keyHeader: 'Ocp-Apim-Subscription-Key' })).status, 401, 'after the api-key override the default header is not read');
  assert.equal((await lab.call({ key: null, query: { 'api-key': 'learner-key-0001' } })).status, 200, 'query parameter');
  assert.equal((await lab.call({ key: 'learner-key-0002' })).status, 200, 'secondary key');
  assert.equal((await lab.call({ key: MASTER_KEY })).status, 200, 'built-in all-access subscription');
  assert.equal(lab.forwarded.length, 3, 'rejected calls never reach the backend');
  assert.equal(lab.forwarded[0].req.headers['api-key'], undefined, 'the subscription key is not forwarded');
  assert.equal(lab.forwarded[1].req.query.get('api-key'), null, 'nor its query parameter');
});

test('default key names, subscription state and scope', async () => {
  const lab = createLab();
  const api = lab.resources.get(API_ID)!;
  delete api.properties.subscriptionKeyParameterNames;
  assert.equal((await lab.call({ keyHeader: 'Ocp-Apim-Subscription-Key' })).status, 200);
  assert.equal((await lab.call({ key: null, query: { 'subscription-key': 'learner-key-0001' } })).status, 200);
  const missing = await lab.call({ key: null });
  assert.match(missing.headers['www-authenticate'], /name="Ocp-Apim-Subscription-Key"/);

  const learner = lab.resources.get(`${SERVICE_ID}/subscriptions/learner-1`)!;
  learner.properties.state = 'suspended';
  assert.equal((await lab.call({ keyHeader: 'Ocp-Apim-Subscription-Key' })).status, 401, 'only active subscriptions');
  learner.properties.state = 'active';
  learner.properties.scope = '/apis/another-api';
  assert.equal((await lab.call({ keyHeader: 'Ocp-Apim-Subscription-Key' })).status, 401, 'scoped to another API');
  learner.properties.scope = `${SERVICE_ID}/apis`;
  assert.equal((await lab.call({ keyHeader: 'Ocp-Apim-Subscription-Key' })).status, 200, 'all APIs, as a full id');

  learner.properties.scope = '/products/starter';
  assert.equal((await lab.call({ keyHeader: 'Ocp-Apim-Subscription-Key' })).status, 401, 'product does not exist');
  lab.resources.put({ id: `${SERVICE_ID}/products/starter`, name: 'starter', type: 'Microsoft.ApiManagement/service/products', properties: { displayName: 'Starter', state: 'published' } });
  assert.equal((await lab.call({ keyHeader: 'Ocp-Apim-Subscription-Key' })).status, 401, 'product without the API');
  lab.resources.put({ id: `${SERVICE_ID}/products/starter/apis/openai`, name: 'openai', type: 'Microsoft.ApiManagement/service/products/apis', properties: {} });
  lab.setPolicy('<policies><inbound><base /><return-response><set-status code="200" /><set-body>@(context.Product.Name + "/" + context.Product.Id)</set-body></return-response></inbound></policies>', `${SERVICE_ID}/products/starter`);
  const viaProduct = await lab.call({ keyHeader: 'Ocp-Apim-Subscription-Key' });
  assert.equal(viaProduct.status, 200);
  assert.equal(viaProduct.text, 'Starter/starter', 'the product policy runs for a product subscription');

  api.properties.subscriptionRequired = false;
  assert.equal((await lab.call({ key: null })).status, 200, 'open API');
});

test('policies compose service → API → operation through <base />', async () => {
  const lab = createLab();
  lab.setPolicy('<policies><inbound><set-header name="x-from" exists-action="append"><value>global</value></set-header></inbound><backend><forward-request /></backend><outbound><set-header name="x-global-out" exists-action="override"><value>yes</value></set-header></outbound></policies>', SERVICE_ID);
  lab.setPolicy(withInbound('<set-header name="x-from" exists-action="append"><value>api</value></set-header>'));
  lab.setPolicy('<policies><inbound><base /><set-header name="x-from" exists-action="append"><value>operation</value></set-header></inbound></policies>', `${API_ID}/operations/ChatCompletions_Create`);
  const response = await lab.call();
  assert.equal(response.status, 200);
  assert.equal(lab.forwarded[0].req.headers['x-from'], 'global,api,operation');
  assert.equal(response.headers['x-global-out'], 'yes');

  lab.setPolicy('<policies><inbound><set-header name="x-from" exists-action="append"><value>operation-only</value></set-header><base /></inbound></policies>', `${API_ID}/operations/ChatCompletions_Create`);
  await lab.call();
  assert.equal(lab.forwarded[1].req.headers['x-from'], 'operation-only,global,api', 'base placement sets the order');

  lab.setPolicy('<policies><inbound><return-response><set-status code="418" reason="Teapot" /></return-response></inbound></policies>', `${API_ID}/operations/ChatCompletions_Create`);
  assert.equal((await lab.call()).status, 418, 'without <base /> the broader scopes do not run');
  assert.equal(lab.forwarded.length, 2);
});

test('set-backend-service with backend-id, base-url, or the API serviceUrl; unknown backend goes to on-error', async () => {
  const lab = createLab();
  await lab.call();
  assert.equal(lab.forwarded[0].url, 'https://127.0.0.1:47443/aoai/aoai-lab/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21');
  lab.setPolicy(withInbound('<set-backend-service base-url="https://127.0.0.1:47443/aoai/aoai-lab/openai/" />'));
  assert.equal((await lab.call()).status, 200);
  assert.equal(lab.forwarded[1].url, lab.forwarded[0].url);
  lab.resources.get(API_ID)!.properties.serviceUrl = 'https://127.0.0.1:47443/aoai/aoai-lab/openai';
  lab.setPolicy('<policies><inbound><base /><authentication-managed-identity resource="https://cognitiveservices.azure.com" /></inbound></policies>');
  assert.equal((await lab.call()).status, 200);
  assert.equal(lab.forwarded[2].url, lab.forwarded[0].url);

  lab.setPolicy(withInbound('<set-backend-service backend-id="missing-backend" />'));
  const failed = await lab.call();
  assert.equal(failed.status, 500);
  assert.match(failed.text, /^\{ "statusCode": 500, "message": "Internal server error", "activityId": "[0-9a-f-]{36}" \}$/);
  assert.ok(lab.logs.some((line) => /Backend with id 'missing-backend' could not be found/.test(line)));

  lab.setPolicy(withInbound('<set-backend-service backend-id="missing-backend" />').replace('<on-error><base /></on-error>', '<on-error><return-response><set-status code="502" /><set-body>@(context.LastError.Source + ": " + context.LastError.Message)</set-body></return-response></on-error>'));
  const handled = await lab.call();
  assert.equal(handled.status, 502);
  assert.equal(handled.text, "set-backend-service: Backend with id 'missing-backend' could not be found.");
});

test('authentication-managed-identity: bearer token to the model, or a variable; the model refuses an identity without a role', async () => {
  const lab = createLab();
  assert.equal((await lab.call()).status, 200);
  assert.match(lab.forwarded[0].req.headers.authorization, /^Bearer mi\.11111111/);

  lab.setPolicy(BASE_WITH_VARIABLE);
  assert.equal((await lab.call()).status, 200);
  assert.equal(lab.forwarded[1].req.headers.authorization, `Bearer mi.11111111-2222-3333-4444-555555555555.https://cognitiveservices.azure.com`);

  lab.resources.remove(`${lab.resources.get(`${API_ID}`)!.id.split('/providers/Microsoft.ApiManagement')[0]}/providers/Microsoft.CognitiveServices/accounts/aoai-lab/providers/Microsoft.Authorization/roleAssignments/aaaaaaaa-0000-0000-0000-000000000001`);
  const denied = await lab.call();
  assert.equal(denied.status, 401, 'Azure OpenAI answers 401 when the identity holds no role');
  assert.match(denied.text, /PermissionDenied|principal|permission/i);

  delete lab.resources.get(SERVICE_ID)!.identity;
  const noIdentity = await lab.call();
  assert.equal(noIdentity.status, 500);
  assert.ok(lab.logs.some((line) => /no system-assigned managed identity/.test(line)));
});

const BASE_WITH_VARIABLE = BASE_POLICY.replace(
  '<authentication-managed-identity resource="https://cognitiveservices.azure.com" />',
  `<authentication-managed-identity resource="https://cognitiveservices.azure.com" output-token-variable-name="managed-id-access-token" ignore-error="false" />
    <set-header name="Authorization" exists-action="override">
      <value>@("Bearer " + (string)context.Variables["managed-id-access-token"])</value>
    </set-header>`,
);

test('set-header, set-variable and return-response', async () => {
  const lab = createLab();
  lab.setPolicy(
    withInbound(`<set-variable name="user" value='@(context.Request.Headers.GetValueOrDefault("x-user-id", "anonymous"))' />
      <set-header name="x-user" exists-action="override"><value>@((string)context.Variables["user"])</value></set-header>
      <set-header name="x-skip" exists-action="skip"><value>new</value></set-header>
      <set-header name="x-drop" exists-action="delete" />`).replace(
      '<outbound><base /></outbound>',
      '<outbound><base /><set-header name="x-status" exists-action="override"><value>@(context.Response.StatusCode.ToString())</value></set-header><set-header name="x-request-id" exists-action="delete" /></outbound>',
    ),
  );
  const response = await lab.call({ headers: { 'x-user-id': 'ada', 'x-skip': 'old', 'x-drop': 'gone' } });
  assert.equal(response.status, 200);
  const sent = lab.forwarded[0].req.headers;
  assert.equal(sent['x-user'], 'ada');
  assert.equal(sent['x-skip'], 'old');
  assert.equal(sent['x-drop'], undefined);
  assert.equal(response.headers['x-status'], '200');
  assert.equal(response.headers['x-request-id'], undefined);

  lab.setPolicy(withInbound(`<set-variable name="n" value="@(context.Request.Headers.GetValueOrDefault(&quot;x-n&quot;, &quot;&quot;).Length)" />
    <return-response>
      <set-status code="202" reason="Accepted" />
      <set-header name="content-type" exists-action="override"><value>application/json</value></set-header>
      <set-body>@("{\\"sub\\":\\"" + context.Subscription.Id + "\\",\\"n\\":" + context.Variables["n"] + "}")</set-body>
    </return-response>`));
  const returned = await lab.call({ headers: { 'x-n': 'abcd' } });
  assert.equal(returned.status, 202);
  assert.deepEqual(JSON.parse(returned.text), { sub: 'learner-1', n: 4 });
  assert.equal(lab.forwarded.length, 1, 'return-response ends the call before the backend');
});

test('choose picks the first true branch; expression failures at run time go to on-error', async () => {
  const lab = createLab();
  lab.setPolicy(withInbound(`<choose>
      <when condition='@(context.Request.Headers.GetValueOrDefault("x-tier", "") == "gold")'><return-response><set-status code="299" /></return-response></when>
      <otherwise><set-header name="x-tier-seen" exists-action="override"><value>basic</value></set-header></otherwise>
    </choose>`));
  assert.equal((await lab.call({ headers: { 'x-tier': 'gold' } })).status, 299);
  assert.equal((await lab.call()).status, 200);
  assert.equal(lab.forwarded[0].req.headers['x-tier-seen'], 'basic');

  lab.setPolicy(withInbound('<set-variable name="who" value="@(context.User.Id)" />'));
  const failed = await lab.call();
  assert.equal(failed.status, 500, 'a subscription without an owner has no User');
  assert.ok(lab.logs.some((line) => /ExpressionValueEvaluationFailure/.test(line)));
  assert.equal((await lab.call({ key: MASTER_KEY })).status, 200, 'the built-in subscription is owned by the administrator (user 1)');
});

test('token metrics: three metrics with the namespace, default and custom dimensions, equal to the usage', async () => {
  const lab = createLab();
  lab.setPolicy(withInbound(EMIT));
  const response = await lab.call({ headers: { 'x-user-id': 'ada' } });
  const usage = JSON.parse(response.text).usage;
  const metrics = lab.telemetry.filter((item) => item.kind === 'metric');
  assert.deepEqual(metrics.map((m) => m.kind === 'metric' && [m.name, m.value]), [['Prompt Tokens', usage.prompt_tokens], ['Completion Tokens', usage.completion_tokens], ['Total Tokens', usage.total_tokens]]);
  for (const metric of metrics) {
    assert.ok(metric.kind === 'metric');
    assert.equal(metric.namespace, 'AzureOpenAI');
    assert.equal(metric.instrumentationKey, '9c2bd6a3-0000-4000-8000-00000000beef');
    assert.deepEqual(metric.dimensions, { 'API ID': 'openai', 'Subscription ID': 'learner-1', 'User ID': 'ada', 'Client IP': '203.0.113.7' });
  }
  assert.equal(lab.telemetry.filter((item) => item.kind === 'request').length, 1);

  lab.setPolicy(withInbound(`<llm-emit-token-metric>
    <dimension name="API ID" /><dimension name="Subscription ID" /><dimension name="Operation ID" /><dimension name="Backend ID" /><dimension name="Location" />
  </llm-emit-token-metric>`));
  await lab.call({ key: MASTER_KEY });
  const llm = metricsNamed(lab.telemetry, 'Total Tokens')[1];
  assert.equal(llm.namespace, 'API Management');
  assert.deepEqual(llm.dimensions, { 'API ID': 'openai', 'Subscription ID': 'master', 'Operation ID': 'ChatCompletions_Create', 'Backend ID': 'openai-backend', Location: 'West Europe' });
});

test('token metrics need a diagnostic with metrics: true and an Application Insights logger; the service-level diagnostic serves when the API has none', async () => {
  const cases: Array<[string, Parameters<typeof createLab>[0], RegExp]> = [
    ['no diagnostic', { diagnostic: false }, /no diagnostic named 'applicationinsights'/],
    ['metrics off', { metrics: false }, /does not have "metrics": true/],
    ['no logger', { withLogger: false }, /which does not exist/],
  ];
  for (const [name, options, reason] of cases) {
    const lab = createLab(options);
    lab.setPolicy(withInbound(EMIT));
    assert.equal((await lab.call()).status, 200);
    await lab.call();
    assert.equal(metricsNamed(lab.telemetry, 'Total Tokens').length, 0, name);
    assert.equal(lab.logs.filter((line) => reason.test(line)).length, 1, `${name}: said once why`);
  }
  const metricsOff = createLab({ metrics: false });
  await metricsOff.call();
  assert.equal(metricsOff.telemetry.filter((item) => item.kind === 'request').length, 1, 'requests are logged without metrics: true');

  const serviceLevel = createLab({ diagnostic: false });
  serviceLevel.resources.put({
    id: `${SERVICE_ID}/diagnostics/applicationinsights`, name: 'applicationinsights', type: 'Microsoft.ApiManagement/service/diagnostics',
    properties: { loggerId: '/loggers/appinsights-logger', metrics: true },
  });
  serviceLevel.setPolicy(withInbound(EMIT));
  await serviceLevel.call();
  assert.equal(metricsNamed(serviceLevel.telemetry, 'Total Tokens').length, 1);
  serviceLevel.resources.put({
    id: `${API_ID}/diagnostics/applicationinsights`, name: 'applicationinsights', type: 'Microsoft.ApiManagement/service/apis/diagnostics',
    properties: { loggerId: '/loggers/appinsights-logger', metrics: false },
  });
  await serviceLevel.call();
  assert.equal(metricsNamed(serviceLevel.telemetry, 'Total Tokens').length, 1, 'the API-level diagnostic wins');
});

test('requests follow the diagnostic sampling; errors are kept with alwaysLog allErrors; metrics are never sampled', async () => {
  const lab = createLab();
  lab.setPolicy(withInbound(EMIT));
  const diagnostic = lab.resources.get(`${API_ID}/diagnostics/applicationinsights`)!;
  diagnostic.properties.sampling = { samplingType: 'fixed', percentage: 0 };
  await lab.call();
  await lab.call({ path: '/openai/deployments/no-such-deployment/chat/completions' });
  const requests = lab.telemetry.filter((item) => item.kind === 'request');
  assert.deepEqual(requests.map((item) => item.kind === 'request' && item.resultCode), ['404']);
  assert.equal(metricsNamed(lab.telemetry, 'Total Tokens').length, 1);
  diagnostic.properties.sampling = { samplingType: 'fixed', percentage: 50 };
  for (let i = 0; i < 200; i++) await lab.call();
  const sampled = lab.telemetry.filter((item) => item.kind === 'request').length - 1;
  assert.ok(sampled > 60 && sampled < 140, `about half of 200 calls logged (${sampled})`);
});

test('no metrics for failed backend calls', async () => {
  const lab = createLab();
  lab.setPolicy(withInbound(EMIT));
  const response = await lab.call({ path: '/openai/deployments/no-such-deployment/chat/completions' });
  assert.equal(response.status, 404);
  assert.equal(metricsNamed(lab.telemetry, 'Total Tokens').length, 0);
  const request = lab.telemetry.find((item) => item.kind === 'request');
  assert.ok(request && request.kind === 'request' && request.resultCode === '404' && request.success === false);
});

test('streamed answers: the usage chunk when asked for, else the tokenizer estimate', async () => {
  const lab = createLab();
  lab.setPolicy(withInbound(EMIT));
  const withUsage = await lab.call({ body: chatBody('Tell me about tokens.', { stream: true, stream_options: { include_usage: true }, max_tokens: 40 }) });
  assert.equal(withUsage.status, 200);
  const events = withUsage.text.split('\n').filter((line) => line.startsWith('data: {')).map((line) => JSON.parse(line.slice(6)));
  const usage = events.find((event) => event.usage)?.usage;
  assert.ok(usage, 'the model sent a usage chunk');
  assert.equal(metricsNamed(lab.telemetry, 'Total Tokens')[0].value, usage.total_tokens);
  assert.equal(metricsNamed(lab.telemetry, 'Prompt Tokens')[0].value, usage.prompt_tokens);

  const plain = await lab.call({ body: chatBody('Tell me about tokens.', { max_tokens: 40 }) });
  const reference = JSON.parse(plain.text).usage;
  await lab.call({ body: chatBody('Tell me about tokens.', { stream: true, max_tokens: 40 }) });
  const estimatedPrompt = metricsNamed(lab.telemetry, 'Prompt Tokens')[2].value;
  const estimatedCompletion = metricsNamed(lab.telemetry, 'Completion Tokens')[2].value;
  assert.equal(estimatedPrompt, reference.prompt_tokens, 'prompt estimate uses the same tokenizer and chat overhead');
  assert.ok(Math.abs(estimatedCompletion - reference.completion_tokens) <= 2, `completion estimate ${estimatedCompletion} near ${reference.completion_tokens}`);
  assert.equal(metricsNamed(lab.telemetry, 'Total Tokens')[2].value, estimatedPrompt + estimatedCompletion);
});

test('named values fill {{...}} in literal values and inside expressions', async () => {
  const lab = createLab();
  lab.resources.put({ id: `${SERVICE_ID}/namedValues/course-tier`, name: 'course-tier', type: 'Microsoft.ApiManagement/service/namedValues', properties: { displayName: 'course-tier', value: 'gold' } });
  lab.setPolicy(withInbound('<set-header name="x-tier" exists-action="override"><value>{{course-tier}}</value></set-header><set-header name="x-tier-upper" exists-action="override"><value>@("{{course-tier}}".ToUpper())</value></set-header>'));
  assert.equal((await lab.call()).status, 200);
  assert.equal(lab.forwarded[0].req.headers['x-tier'], 'gold');
  assert.equal(lab.forwarded[0].req.headers['x-tier-upper'], 'GOLD');
  lab.setPolicy(withInbound('<set-header name="x-missing" exists-action="override"><value>{{nope}}</value></set-header>'));
  assert.equal((await lab.call()).status, 500);
  assert.ok(lab.logs.some((line) => /NamedValueNotFound/.test(line)));
});

test('emit-metric sends one custom metric with its dimensions', async () => {
  const lab = createLab();
  lab.setPolicy(withInbound('<emit-metric name="Gateway Calls" namespace="Course" value="@(2 + 3)"><dimension name="API ID" /><dimension name="Caller" value="@(context.Subscription.Name)" /></emit-metric>'));
  await lab.call();
  const [metric] = metricsNamed(lab.telemetry, 'Gateway Calls');
  assert.equal(metric.value, 5);
  assert.equal(metric.namespace, 'Course');
  assert.deepEqual(metric.dimensions, { 'API ID': 'openai', Caller: 'Learner One' });
});

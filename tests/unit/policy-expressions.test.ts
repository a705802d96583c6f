/**
 * The policy expression subset: what a learner writes evaluates as C# would; what is outside the
 * subset is refused when compiled (policy save time), with the position of the problem.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpression, ExpressionError, ExpressionRuntimeError } from '../../labs/sandbox/policy/expressions/index.ts';

function context(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Request: {
      IpAddress: '10.1.2.3',
      Method: 'POST',
      Headers: { 'x-user-id': 'alice', 'content-type': 'application/json' },
      MatchedParameters: { 'deployment-id': 'gpt-4o-mini' },
      Url: { Host: 'apim.example', Path: '/openai/deployments/gpt-4o-mini/chat/completions', Query: { 'api-version': '2024-10-21' }, ToString: () => 'https://apim.example/openai' },
    },
    Subscription: { Id: 'learner-1', Name: 'Learner One', Key: 'k' },
    User: null,
    Product: null,
    Api: { Id: 'openai', Name: 'Azure OpenAI' },
    Operation: { Id: 'ChatCompletions_Create', Name: 'Creates a completion', Method: 'POST' },
    Deployment: { Region: 'West Europe', ServiceName: 'apim-x', Gateway: { Id: 'managed' } },
    Variables: new Map<string, unknown>([['managed-id-access-token', 'tok'], ['count', 7], ['flag', true]]),
    ...overrides,
  };
}

const run = (source: string, ctx = context()) => compileExpression(source).evaluate(ctx);

test('the members a learner uses', () => {
  assert.equal(run('@(context.Request.IpAddress)'), '10.1.2.3');
  assert.equal(run('@(context.Request.Headers.GetValueOrDefault("x-user-id", "anonymous"))'), 'alice');
  assert.equal(run('@(context.Request.Headers.GetValueOrDefault("X-User-Id", "anonymous"))'), 'alice', 'header names are case-insensitive');
  assert.equal(run('@(context.Request.Headers.GetValueOrDefault("x-missing", "anonymous"))'), 'anonymous');
  assert.equal(run('@(context.Request.Headers.GetValueOrDefault("x-missing"))'), null);
  assert.equal(run('@(context.Subscription.Id)'), 'learner-1');
  assert.equal(run('@(context.Subscription.Name)'), 'Learner One');
  assert.equal(run('@(context.User?.Id)'), null);
  assert.equal(run('@(context.User?.Id)', context({ User: { Id: '1' } })), '1');
  assert.equal(run('@(context.Api.Id + "/" + context.Api.Name)'), 'openai/Azure OpenAI');
  assert.equal(run('@(context.Operation.Id)'), 'ChatCompletions_Create');
  assert.equal(run('@(context.Product?.Name)'), null);
  assert.equal(run('@(context.Product?.Name ?? "none")'), 'none');
  assert.equal(run('@(context.Deployment.Region)'), 'West Europe');
  assert.equal(run('@(context.Request.MatchedParameters["deployment-id"])'), 'gpt-4o-mini');
  assert.equal(run('@(context.Request.Url.Query.GetValueOrDefault("api-version", ""))'), '2024-10-21');
  assert.equal(run('@(context.Request.Url.ToString())'), 'https://apim.example/openai');
});

test('variables, casts and concatenation', () => {
  assert.equal(run('@("Bearer " + (string)context.Variables["managed-id-access-token"])'), 'Bearer tok');
  assert.equal(run('@("n=" + context.Variables["count"])'), 'n=7');
  assert.equal(run('@((int)context.Variables["count"] + 1)'), 8);
  assert.equal(run('@(context.Variables.GetValueOrDefault<string>("missing", "d"))'), 'd');
  assert.equal(run('@(context.Variables.GetValueOrDefault<int>("count"))'), 7);
  assert.equal(run('@(context.Variables.ContainsKey("flag"))'), true);
  assert.equal(run('@(context.Variables["flag"].ToString())'), 'True', 'C# prints booleans as True/False');
  assert.equal(run('@(7 / 2)'), 3, 'integer division');
  assert.equal(run('@($"{context.Subscription.Id}:{context.Api.Id}")'), 'learner-1:openai');
  assert.equal(run('@(String.IsNullOrEmpty(context.User?.Id) ? "anonymous" : context.User.Id)'), 'anonymous');
  assert.equal(run('@(context.Request.Headers.GetValueOrDefault("x-user-id", "").ToUpper().Substring(0, 3))'), 'ALI');
  assert.equal(run('@(context.Request.Method == "POST" && !context.Request.Headers.ContainsKey("x-debug"))'), true);
});

test('statement blocks', () => {
  const block = `@{
    var user = context.Request.Headers.GetValueOrDefault("x-user-id", "");
    string tier = "basic";
    if (user.StartsWith("al")) { tier = "gold"; }
    else tier = "silver";
    return user + ":" + tier;
  }`;
  assert.equal(run(block), 'alice:gold');
  assert.equal(run(block, context({ Request: { Headers: { 'x-user-id': 'bob' } } })), 'bob:silver');
});

test('run-time failures are C#-like errors (they send the call to on-error)', () => {
  assert.throws(() => run('@(context.User.Id)'), ExpressionRuntimeError);
  assert.throws(() => run('@(context.Variables["nope"])'), /given key 'nope' was not present/);
  assert.throws(() => run('@((string)context.Variables["count"])'), /Unable to cast/);
});

test('anything outside the subset is refused at compile time with a position', () => {
  const refused: Array<[string, RegExp]> = [
    ['@(context.Request.Body.As<JObject>())', /Body/],
    ['@(DateTime.UtcNow)', /'DateTime' is not supported/],
    ['@(new JObject())', /'new'/],
    ['@(context.Request.Headers["x"])', /cannot be indexed/],
    ['@(context.Request.Headers.Where(h => true))', /lambda|not supported/],
    ['@(context.Api.Id.Foo())', /'Foo' is not supported on string/],
    ['@(context.Subscription.Id * 2)', /operator '\*'/],
    ['@(context.Api.Id.Substring("a"))', /argument 1 of 'Substring'/],
    ['@(context.Api.Id', /'\)' expected/],
    ['@(x)', /the name 'x' is not supported/],
    ['@{ var a = 1; }', /not all code paths return/],
    ['@{ foreach (var h in context.Request.Headers) { } return 1; }', /only declarations/],
    ['context.Api.Id', /starts with/],
  ];
  for (const [source, pattern] of refused) {
    assert.throws(() => compileExpression(source), (error: unknown) => {
      assert.ok(error instanceof ExpressionError, `${source} should be an ExpressionError`);
      assert.match(error.message, pattern, source);
      assert.ok(error.pos >= 0 && error.pos <= source.length);
      return true;
    });
  }
});

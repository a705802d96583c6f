/** Every template function the sandbox evaluates, with the values Azure Resource Manager gives. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateString, UnsupportedFunctionError } from '../../labs/sandbox/deployments/evaluate.ts';
import { TemplateExpressionError } from '../../labs/sandbox/deployments/expression.ts';
import type { FunctionContext, JsonValue } from '../../labs/sandbox/deployments/functions.ts';
import { deterministicGuid, uniqueString } from '../../labs/sandbox/deployments/hash.ts';

const SUB = '3c7f956b-55ee-4686-9d30-da1eb631dc59';
const RG_ID = `/subscriptions/${SUB}/resourceGroups/rg-devopsshieldek010dev`;

function context(overrides: Partial<FunctionContext> = {}): FunctionContext {
  const parameters: Record<string, JsonValue> = { name: 'Lab', count: 3, subs: [{ id: 'a', displayName: 'A' }, { id: 'b', displayName: 'B' }], flag: true };
  const variables: Record<string, JsonValue> = { tags: { course: 'x' } };
  return {
    parameter: (name) => {
      if (!(name in parameters)) throw new TemplateExpressionError(`The template parameter '${name}' is not found.`);
      return parameters[name];
    },
    variable: async (name) => variables[name],
    copyIndex: () => 1,
    subscription: () => ({ id: `/subscriptions/${SUB}`, subscriptionId: SUB, tenantId: 't' }),
    resourceGroup: () => ({ id: RG_ID, name: 'rg-devopsshieldek010dev', location: 'swedencentral' }),
    deployment: () => ({ name: 'main' }),
    subscriptionId: () => SUB,
    resourceGroupName: () => 'rg-devopsshieldek010dev',
    reference: async (id, apiVersion, full) => ({ asked: [id, apiVersion ?? null, full] }) as JsonValue,
    list: async (action, id, apiVersion) => ({ action, id, apiVersion }),
    ...overrides,
  };
}

const evaluate = (text: string, ctx = context()) => evaluateString(text, ctx);

describe('template functions', () => {
  const cases: Array<[string, JsonValue]> = [
    ["[parameters('name')]", 'Lab'],
    ["[variables('tags').course]", 'x'],
    ["[concat('a', 'b', string(1))]", 'ab1'],
    ["[concat(createArray(1), createArray(2, 3))]", [1, 2, 3]],
    ["[format('{0}-{1}-{{x}}', 'a', 2)]", 'a-2-{x}'],
    ["[toLower('AbC')]", 'abc'],
    ["[toUpper('AbC')]", 'ABC'],
    ["[substring('abcdef', 1, 3)]", 'bcd'],
    ["[replace('a-b-c', '-', '')]", 'abc'],
    ["[length(parameters('subs'))]", 2],
    ["[parameters('subs')[copyIndex()].displayName]", 'B'],
    ["[if(equals(parameters('name'), 'lab'), 0, 1)]", 0],
    ["[if(parameters('flag'), 'yes', fail())]", 'yes'],
    ["[and(true(), not(false()))]", true],
    ["[or(false(), equals(1, 2))]", false],
    ["[empty('')]", true],
    ["[contains(createObject('a', 1), 'A')]", true],
    ["[split('a,b', ',')]", ['a', 'b']],
    ["[join(createArray('a', 'b'), '/')]", 'a/b'],
    ["[add(mul(2, 3), sub(10, div(9, 3)))]", 13],
    ["[mod(7, 3)]", 1],
    ["[min(3, 1, 2)]", 1],
    ["[max(createArray(3, 5))]", 5],
    ["[range(1, 3)]", [1, 2, 3]],
    ["[first(createArray('x', 'y'))]", 'x'],
    ["[last('xyz')]", 'z'],
    ["[take('abcdef', 2)]", 'ab'],
    ["[skip('abcdef', 4)]", 'ef'],
    ["[union(createObject('a', 1), createObject('b', 2))]", { a: 1, b: 2 }],
    ["[coalesce(null(), 'b')]", 'b'],
    ["[json('{\"a\":[1]}').a[0]]", 1],
    ["[int('42')]", 42],
    ["[bool('True')]", true],
    ["[string(createObject('a', 1))]", '{"a":1}'],
    ["[startsWith('Microsoft.Web', 'microsoft')]", true],
    ["[padLeft('7', 3, '0')]", '007'],
    ["[base64('hi')]", 'aGk='],
    ["[uri('https://example.com/a/', 'b')]", 'https://example.com/a/b'],
    ["[resourceGroup().location]", 'swedencentral'],
    ["[subscription().subscriptionId]", SUB],
    ['[[literal]', '[literal]'],
  ];
  for (const [text, expected] of cases) {
    it(`${text} → ${JSON.stringify(expected)}`, async () => {
      assert.deepEqual(await evaluate(text), expected);
    });
  }

  it('resourceId builds ids in the deployment group, another group or another subscription', async () => {
    assert.equal(await evaluate("[resourceId('Microsoft.ApiManagement/service', 'apim')]"), `${RG_ID}/providers/Microsoft.ApiManagement/service/apim`);
    assert.equal(
      await evaluate("[resourceId('Microsoft.ApiManagement/service/apis', 'apim', 'openai')]"),
      `${RG_ID}/providers/Microsoft.ApiManagement/service/apim/apis/openai`,
    );
    assert.equal(await evaluate("[resourceId('other', 'Microsoft.Web/sites', 'w')]"), `/subscriptions/${SUB}/resourceGroups/other/providers/Microsoft.Web/sites/w`);
    assert.equal(await evaluate("[resourceId('s2', 'other', 'Microsoft.Web/sites', 'w')]"), '/subscriptions/s2/resourceGroups/other/providers/Microsoft.Web/sites/w');
    await assert.rejects(evaluate("[resourceId('Microsoft.ApiManagement/service/apis', 'apim')]"), /requires 2 resource name/);
  });

  it('subscriptionResourceId and extensionResourceId', async () => {
    assert.equal(
      await evaluate("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd')]"),
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/5e0bd9bd-7b93-4f28-af87-19fc36ad61bd`,
    );
    assert.equal(
      await evaluate("[extensionResourceId(resourceId('Microsoft.CognitiveServices/accounts', 'a'), 'Microsoft.Authorization/roleAssignments', 'g')]"),
      `${RG_ID}/providers/Microsoft.CognitiveServices/accounts/a/providers/Microsoft.Authorization/roleAssignments/g`,
    );
  });

  it("uniqueString gives Azure's values", async () => {
    // Values Azure Resource Manager returned for these inputs.
    assert.equal(uniqueString(['tyeth']), 'zcztcwvu6iyg6');
    assert.equal(await evaluate(`[uniqueString('${RG_ID}')]`), 'fd63l2gacbtca');
    assert.match(await evaluate("[uniqueString(subscription().id, resourceGroup().id)]") as string, /^[a-z2-7]{13}$/);
  });

  it('guid is the version-5 UUID of the arguments joined by "-" in ARM\'s namespace', async () => {
    assert.equal(deterministicGuid(['a', 'b', 'c']), 'a98fa280-e03f-5afa-8d8e-92d0a9c201e8');
    assert.equal(await evaluate("[guid('a', 'b', 'c')]"), 'a98fa280-e03f-5afa-8d8e-92d0a9c201e8');
    assert.notEqual(await evaluate("[guid('a', 'b')]"), await evaluate("[guid('b', 'a')]"));
  });

  it('reference passes the id, api-version and full flag; properties are read case-insensitively', async () => {
    assert.deepEqual(await evaluate("[reference('/x', '2024-05-01', 'Full').asked]"), ['/x', '2024-05-01', true]);
    assert.deepEqual(await evaluate("[reference('/x').ASKED]"), ['/x', null, false]);
  });

  it('list* functions POST the action', async () => {
    assert.deepEqual(await evaluate("[listSecrets('/s/sub1', '2024-05-01')]"), { action: 'listSecrets', id: '/s/sub1', apiVersion: '2024-05-01' });
    assert.deepEqual(await evaluate("[listKeys('/a', '2024-10-01').action]"), 'listKeys');
  });

  it('names the missing property and the properties that exist', async () => {
    await assert.rejects(evaluate("[variables('tags').nope]"), /property 'nope' doesn't exist, available properties are 'course'/);
    await assert.rejects(evaluate("[parameters('subs')[5]]"), /index '5' is out of bounds/);
    await assert.rejects(evaluate("[parameters('missing')]"), /parameter 'missing' is not found/);
  });

  it('refuses wrong argument counts and types', async () => {
    await assert.rejects(evaluate("[toLower('a', 'b')]"), /'toLower'.*expects 1 parameter/);
    await assert.rejects(evaluate('[add(1)]'), /'add'.*expects 2/);
    await assert.rejects(evaluate("[substring('abc', 2, 5)]"), /within the string/);
    await assert.rejects(evaluate("[not('x')]"), /Boolean/);
  });

  it('a function Azure does not know is "not valid"; one the sandbox lacks is named as unsupported', async () => {
    await assert.rejects(evaluate("[frobnicate('x')]"), (error: Error) => error instanceof TemplateExpressionError && /'frobnicate' is not valid/.test(error.message));
    await assert.rejects(
      evaluate("[dateTimeAdd('2020-01-01', 'P1D')]"),
      (error: Error) => error instanceof UnsupportedFunctionError && error.functionName === 'dateTimeAdd' && /local sandbox does not support it/.test(error.message),
    );
  });
});

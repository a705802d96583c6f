/**
 * The deployment engine on its own: parameter checks, variables, copy loops, dependsOn ordering
 * (explicit and through reference()), cycles, outputs, and how failures end. Resources go to an
 * in-memory provider that records the order of the requests it gets.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planDeployment, TemplateValidationError, type DeploymentScope, type Template } from '../../labs/sandbox/deployments/plan.ts';
import { ResourceFailure, runDeployment, type DeploymentOperation, type ResourceDriver } from '../../labs/sandbox/deployments/run.ts';
import type { JsonValue } from '../../labs/sandbox/deployments/functions.ts';

const SUB = '00000000-0000-0000-0000-000000000001';
const scope: DeploymentScope = {
  subscriptionId: SUB,
  tenantId: 'tenant',
  resourceGroup: { id: `/subscriptions/${SUB}/resourceGroups/rg`, name: 'rg', location: 'westeurope' },
  deploymentName: 'main',
};
const RG = scope.resourceGroup.id;

function template(resources: unknown[], extra: Partial<Template> = {}): Template {
  return { $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0', resources: resources as Template['resources'], ...extra };
}

/** A provider that stores PUT bodies, answers GETs from them, and fails the ids it is told to. */
function memoryProvider(failing: Record<string, { status: number; code: string; message: string }> = {}) {
  const stored = new Map<string, Record<string, JsonValue>>();
  const order: string[] = [];
  const driver: ResourceDriver = {
    async put(id, _apiVersion, body) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(id);
      const failure = Object.entries(failing).find(([suffix]) => id.endsWith(suffix))?.[1];
      if (failure) throw new ResourceFailure(failure.status, { code: failure.code, message: failure.message });
      const existed = stored.has(id);
      const b = body as Record<string, JsonValue>;
      stored.set(id, { id, ...b, properties: { ...((b.properties as object) ?? {}), provisioningState: 'Succeeded', generated: `value-of-${id.split('/').pop()}` } });
      return { status: existed ? 200 : 201 };
    },
    async get(id) {
      return stored.get(id);
    },
    async post(id, action) {
      return { action, id, key1: 'secret' };
    },
  };
  return { driver, stored, order };
}

async function run(t: Template, parameters: Record<string, { value: unknown }> = {}, failing = {}) {
  const plan = await planDeployment(t, parameters, scope);
  const provider = memoryProvider(failing);
  const operations: DeploymentOperation[] = [];
  let n = 0;
  const outcome = await runDeployment(plan, provider.driver, { now: () => Date.now(), newOperationId: () => `OP${++n}`, onOperation: (op) => void operations.push(op) });
  return { plan, outcome, operations, ...provider };
}

const site = (name: string, extra: Record<string, unknown> = {}) => ({ type: 'Microsoft.Web/sites', apiVersion: '2023-01-01', name, location: 'westeurope', properties: {}, ...extra });

describe('parameters', () => {
  const t = template([site("[parameters('name')]")], {
    parameters: {
      name: { type: 'string', minLength: 3, maxLength: 8 },
      sku: { type: 'string', defaultValue: 'B1', allowedValues: ['B1', 'S1'] },
      count: { type: 'int', defaultValue: 2, minValue: 1, maxValue: 5 },
      derived: { type: 'string', defaultValue: "[format('{0}-{1}', parameters('name'), toLower(parameters('sku')))]" },
      secret: { type: 'securestring', defaultValue: 'hidden' },
    },
  });

  it('applies defaults, including defaults computed from earlier parameters', async () => {
    const plan = await planDeployment(t, { name: { value: 'app1' } }, scope);
    assert.equal(plan.parameters.derived.value, 'app1-b1');
    assert.equal(plan.parameters.count.value, 2);
  });

  const refusals: Array<[string, Record<string, { value: unknown }>, RegExp]> = [
    ['a missing value', {}, /template parameter 'name' is not provided/],
    ['a value outside allowedValues', { name: { value: 'app1' }, sku: { value: 'P9' } }, /'P9' for the template parameter 'sku' is not valid.*allowed value\(s\): 'B1,S1'/],
    ['a value of the wrong type', { name: { value: 'app1' }, count: { value: 'two' } }, /Expected 'int'. Actual 'String'/],
    ['a string that is too short', { name: { value: 'ab' } }, /greater than or equal to '3'/],
    ['a number that is too big', { name: { value: 'app1' }, count: { value: 9 } }, /less than or equal to '5'/],
    ['a parameter the template does not declare', { name: { value: 'app1' }, nmae: { value: 'x' } }, /'nmae' in the parameters file are not valid/],
  ];
  for (const [what, supplied, message] of refusals) {
    it(`refuses ${what} with InvalidTemplate`, async () => {
      await assert.rejects(planDeployment(t, supplied, scope), (error: Error) => error instanceof TemplateValidationError && error.code === 'InvalidTemplate' && message.test(error.message));
    });
  }
});

describe('resources and dependencies', () => {
  it('builds child and extension resource ids', async () => {
    const plan = await planDeployment(
      template([
        { type: 'Microsoft.ApiManagement/service/apis', apiVersion: '2024-05-01', name: 'svc/openai', properties: {} },
        { type: 'Microsoft.Authorization/roleAssignments', apiVersion: '2022-04-01', name: 'g1', scope: 'Microsoft.CognitiveServices/accounts/acct', properties: {} },
      ]),
      {},
      scope,
    );
    assert.deepEqual(plan.resources.map((r) => r.id), [
      `${RG}/providers/Microsoft.ApiManagement/service/svc/apis/openai`,
      `${RG}/providers/Microsoft.CognitiveServices/accounts/acct/providers/Microsoft.Authorization/roleAssignments/g1`,
    ]);
    await assert.rejects(planDeployment(template([{ type: 'Microsoft.ApiManagement/service/apis', apiVersion: '2024-05-01', name: 'openai' }]), {}, scope), /incorrect segment lengths/);
  });

  it('deploys a resource only after everything it depends on, by id, by name and by copy loop', async () => {
    const { order, outcome } = await run(
      template([
        site('c', { dependsOn: ["[resourceId('Microsoft.Web/sites', 'b')]", 'loop'] }),
        site('b', { dependsOn: ['a'] }),
        site('a'),
        site("[format('item{0}', copyIndex())]", { copy: { name: 'loop', count: 3 } }),
      ]),
    );
    assert.equal(outcome.provisioningState, 'Succeeded');
    const at = (name: string) => order.findIndex((id) => id.endsWith(`/${name}`));
    assert.ok(at('a') < at('b') && at('b') < at('c'));
    for (const item of ['item0', 'item1', 'item2']) assert.ok(at(item) < at('c'), `${item} before c`);
  });

  it('runs a serial copy loop one instance at a time, in order', async () => {
    const { order } = await run(template([site("[concat('s', string(copyIndex(1)))]", { copy: { name: 'serial', count: 4, mode: 'Serial', batchSize: 1 } })]));
    assert.deepEqual(order.map((id) => id.split('/').pop()), ['s1', 's2', 's3', 's4']);
  });

  it('skips resources whose condition is false, and a copy count of zero', async () => {
    const { order } = await run(template([site('kept'), site('dropped', { condition: '[equals(1, 2)]' }), site('[string(copyIndex())]', { copy: { name: 'none', count: 0 } })]));
    assert.deepEqual(order.map((id) => id.split('/').pop()), ['kept']);
  });

  it('waits for a resource that reference() reads even without dependsOn', async () => {
    const { order, stored } = await run(
      template([
        site('reader', { properties: { seen: "[reference(resourceId('Microsoft.Web/sites', 'source')).generated]" } }),
        site('source'),
      ]),
    );
    assert.deepEqual(order.map((id) => id.split('/').pop()), ['source', 'reader']);
    assert.equal((stored.get(`${RG}/providers/Microsoft.Web/sites/reader`)!.properties as Record<string, unknown>).seen, 'value-of-source');
  });

  it('refuses a dependency cycle and a dependsOn on something the template does not define', async () => {
    await assert.rejects(planDeployment(template([site('a', { dependsOn: ['b'] }), site('b', { dependsOn: ['a'] })]), {}, scope), /Circular dependency detected/);
    await assert.rejects(planDeployment(template([site('a', { dependsOn: ['ghost'] })]), {}, scope), /'ghost' is not defined in the template/);
  });

  it('sends the body without the deployment-only keys, expressions evaluated', async () => {
    const { stored } = await run(
      template([site('a', { tags: "[variables('tags')]", comments: 'x', properties: { name: "[toUpper('a')]" } })], { variables: { tags: { env: "[concat('d', 'ev')]" } } }),
    );
    const body = stored.get(`${RG}/providers/Microsoft.Web/sites/a`)!;
    assert.deepEqual(body.tags, { env: 'dev' });
    assert.equal((body.properties as Record<string, unknown>).name, 'A');
    for (const key of ['type', 'apiVersion', 'name', 'comments', 'dependsOn']) assert.equal(key in body, false, key);
  });

  it('evaluates a variable once even when resources deployed in parallel use it', async () => {
    const { outcome, stored } = await run(
      template([site('a', { tags: "[variables('tags')]" }), site('b', { tags: "[variables('tags')]" }), site('c', { tags: "[variables('tags')]" })], {
        variables: { tags: { env: "[variables('envName')]" }, envName: 'dev' },
      }),
    );
    assert.equal(outcome.provisioningState, 'Succeeded');
    for (const name of ['a', 'b', 'c']) assert.deepEqual(stored.get(`${RG}/providers/Microsoft.Web/sites/${name}`)!.tags, { env: 'dev' });
  });

  it('refuses a variable that refers to itself', async () => {
    const { outcome } = await run(template([site('a', { properties: { x: "[variables('loop')]" } })], { variables: { loop: "[variables('loop')]" } }));
    assert.equal(outcome.provisioningState, 'Failed');
    assert.match(outcome.error!.message, /refers to itself/);
  });
});

describe('outputs and failures', () => {
  it('evaluates outputs after the resources, with their declared types', async () => {
    const { outcome } = await run(
      template([site('a')], {
        outputs: {
          url: { type: 'string', value: "[reference(resourceId('Microsoft.Web/sites', 'a')).generated]" },
          count: { type: 'int', value: '[length(createArray(1, 2))]' },
          hidden: { type: 'securestring', value: 'not echoed' },
        },
      }),
    );
    assert.deepEqual(outcome.outputs, { url: { type: 'String', value: 'value-of-a' }, count: { type: 'Int', value: 2 } });
  });

  it('a failing resource ends the deployment Failed with DeploymentFailed; its dependents never start, others do', async () => {
    const { outcome, order, operations } = await run(
      template([site('bad'), site('after-bad', { dependsOn: ['bad'] }), site('independent')]),
      {},
      { '/bad': { status: 400, code: 'InvalidResourceName', message: 'The name is not valid.' } },
    );
    assert.equal(outcome.provisioningState, 'Failed');
    assert.equal(outcome.error!.code, 'DeploymentFailed');
    assert.match(outcome.error!.message, /At least one resource deployment operation failed/);
    assert.deepEqual(outcome.error!.details, [{ code: 'InvalidResourceName', message: 'The name is not valid.' }]);
    assert.ok(!order.some((id) => id.endsWith('/after-bad')));
    assert.ok(order.some((id) => id.endsWith('/independent')));
    const failed = operations.find((op) => op.provisioningState === 'Failed');
    assert.equal(failed?.statusCode, 'BadRequest');
    assert.equal(failed?.error?.code, 'InvalidResourceName');
    assert.equal(outcome.outputs, undefined);
  });

  it('an output that cannot be evaluated fails the deployment and names the output', async () => {
    const { outcome } = await run(template([site('a')], { outputs: { broken: { type: 'string', value: "[reference(resourceId('Microsoft.Web/sites', 'a')).missing]" } } }));
    assert.equal(outcome.provisioningState, 'Failed');
    assert.equal(outcome.error!.code, 'DeploymentOutputEvaluationFailed');
    assert.equal(outcome.error!.details![0].target, 'broken');
    assert.match(outcome.error!.details![0].message, /'missing' doesn't exist/);
  });

  it('a function Azure does not know is refused at validation; one the sandbox lacks fails the run before any resource', async () => {
    await assert.rejects(planDeployment(template([site("[nosuch('a')]")]), {}, scope), /The template function 'nosuch' is not valid/);
    const { outcome, order } = await run(template([site('a'), site('b', { properties: { when: "[dateTimeAdd(utcNow(), 'P1D')]" } })]));
    assert.equal(outcome.provisioningState, 'Failed');
    assert.equal(outcome.error!.code, 'InvalidTemplate');
    assert.match(outcome.error!.message, /'dateTimeAdd' is valid in Azure Resource Manager but the local sandbox does not support it/);
    assert.deepEqual(order, []);
  });
});

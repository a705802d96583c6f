/**
 * labs/infra/main.bicep and labs/infra/main.json describe the same deployment: the same parameters
 * (types, defaults, allowed values, descriptions), variables, resources (types, names, api-versions),
 * dependencies, resource bodies and outputs, and the same policy and OpenAPI file contents. The
 * Bicep side is read and evaluated by a small Bicep reader; the JSON side by the sandbox's own
 * template engine, with `reference()` answered by markers so both sides can be compared value for
 * value without deploying anything.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateString, evaluateValue } from '../../labs/sandbox/deployments/evaluate.ts';
import type { JsonValue } from '../../labs/sandbox/deployments/functions.ts';
import { planDeployment, type DeploymentScope, type PlannedResource, type Template } from '../../labs/sandbox/deployments/plan.ts';
import { resourceBody, runtimeContext, type ResourceDriver } from '../../labs/sandbox/deployments/run.ts';
import { bicepDirOf, entry, evaluateBicep, readBicep, resourceBodyNode, symbolsIn, type BicepResource, type EvaluationScope } from './bicep-reader.ts';
import { mainTemplate } from './harness.ts';

const bicepPath = fileURLToPath(new URL('../../labs/infra/main.bicep', import.meta.url));
const bicep = readBicep(bicepPath);
const json = mainTemplate() as unknown as Template;
const SUB = '6f1d0c6e-2b0e-4d7a-9c7e-1a2b3c4d5e6f';
const scope: DeploymentScope = {
  subscriptionId: SUB,
  tenantId: 'tenant',
  resourceGroup: { id: `/subscriptions/${SUB}/resourceGroups/lab-token-monitoring-rg`, name: 'lab-token-monitoring-rg', location: 'swedencentral' },
  deploymentName: 'main',
};
const typeName: Record<string, string> = { string: 'string', int: 'int', bool: 'bool', array: 'array', object: 'object' };

/** Every Bicep resource instance with its id, name and body, evaluated like the compiled template. */
function bicepSide() {
  const values: Record<string, unknown> = {};
  const ids = new Map<string, { id: string; name: string }>();
  const markersAsked = new Map<string, Set<string>>();
  const evaluationScope: EvaluationScope = {
    subscriptionId: SUB,
    resourceGroupId: scope.resourceGroup.id,
    resourceGroupLocation: scope.resourceGroup.location,
    values,
    bicepDir: bicepDirOf(bicep),
    resource(symbol) {
      const known = ids.get(symbol);
      if (known === undefined) return undefined;
      return {
        ...known,
        marker(path) {
          if (!markersAsked.has(known.id)) markersAsked.set(known.id, new Set());
          markersAsked.get(known.id)!.add(path);
          return `ref:${known.id}:${path}`;
        },
      };
    },
  };
  for (const param of bicep.params) values[param.name] = param.defaultValue === undefined ? undefined : evaluateBicep(param.defaultValue, evaluationScope);
  const params = { ...values };
  for (const variable of bicep.vars) values[variable.name] = evaluateBicep(variable.value, evaluationScope);
  const vars = Object.fromEntries(bicep.vars.map((v) => [v.name, values[v.name]]));

  const idOf = (resource: BicepResource, name: string): string => {
    const parent = entry(resource.body, 'parent');
    const scopeNode = entry(resource.body, 'scope');
    const lastType = resource.type.split('/').pop();
    if (parent?.t === 'id') return `${ids.get(parent.name)!.id}/${lastType}/${name}`;
    const base = scopeNode?.t === 'id' ? ids.get(scopeNode.name)!.id : scope.resourceGroup.id;
    return `${base}/providers/${resource.type}/${name}`;
  };
  const instances: Array<{ resource: BicepResource; id: string; item?: unknown }> = [];
  for (const resource of bicep.resources) {
    if (resource.loop === undefined) {
      const name = String(evaluateBicep(entry(resource.body, 'name')!, evaluationScope));
      const id = idOf(resource, name);
      ids.set(resource.symbol, { id, name });
      instances.push({ resource, id });
    } else {
      for (const item of evaluateBicep(resource.loop.source, evaluationScope) as unknown[]) {
        values[resource.loop.item] = item;
        instances.push({ resource, id: idOf(resource, String(evaluateBicep(entry(resource.body, 'name')!, evaluationScope))), item });
      }
    }
  }
  const symbols = new Set(bicep.resources.map((r) => r.symbol));
  const idsOfSymbol = (symbol: string) => instances.filter((i) => i.resource.symbol === symbol).map((i) => i.id);
  const resources = instances.map(({ resource, id, item }) => {
    if (resource.loop !== undefined) values[resource.loop.item] = item;
    const body = evaluateBicep(resourceBodyNode(resource.body), evaluationScope);
    const dependsOn = new Set<string>();
    for (const symbol of symbolsIn(resource.body, symbols)) if (symbol !== resource.symbol) idsOfSymbol(symbol).forEach((d) => dependsOn.add(d));
    return { id, type: resource.type, apiVersion: resource.apiVersion, body, dependsOn: [...dependsOn].sort() };
  });
  const outputs = Object.fromEntries(bicep.outputs.map((o) => [o.name, { type: o.type, value: evaluateBicep(o.value, evaluationScope) }]));
  return { params, vars, resources, outputs, markersAsked };
}

const bicepResult = bicepSide();

/** The JSON side through the engine; `reference()` reads markers shaped like the Bicep side's. */
async function jsonSide() {
  const plan = await planDeployment(json, {}, scope);
  const wrongVersions: string[] = [];
  const driver: ResourceDriver = {
    async put() {
      throw new Error('nothing is deployed in this test');
    },
    async get(id, apiVersion) {
      const planned = plan.resources.find((r) => r.id.toLowerCase() === id.toLowerCase());
      if (planned?.apiVersion !== apiVersion) wrongVersions.push(`${id} read with ${apiVersion}, declared ${planned?.apiVersion}`);
      const resource: Record<string, any> = { id, properties: {} };
      for (const path of bicepResult.markersAsked.get(id) ?? []) {
        const [head, ...rest] = path.split('.');
        if (head === 'identity') resource.identity = { ...resource.identity, [rest.join('.')]: `ref:${id}:${path}` };
        else resource.properties[path] = `ref:${id}:${path}`;
      }
      return resource as JsonValue;
    },
    async post() {
      throw new Error('the template calls no list* function');
    },
  };
  const cache = new Map();
  const ctx = (resource?: PlannedResource) => runtimeContext(plan, driver, resource?.copy?.index, cache);
  const resources = [];
  for (const resource of plan.resources) {
    resources.push({ id: resource.id, type: resource.type, apiVersion: resource.apiVersion, body: await resourceBody(resource, ctx(resource)), dependsOn: [...resource.dependsOn].sort() });
  }
  const vars: Record<string, JsonValue> = {};
  for (const name of Object.keys(json.variables ?? {})) vars[name] = await evaluateString(`[variables('${name}')]`, ctx());
  const outputs: Record<string, { type: string; value: JsonValue }> = {};
  for (const [name, output] of Object.entries(json.outputs ?? {})) outputs[name] = { type: output.type, value: await evaluateValue(output.value, ctx()) };
  const params = Object.fromEntries(Object.entries(plan.parameters).map(([name, p]) => [name, p.value]));
  return { params, vars, resources, outputs, wrongVersions };
}

describe('main.bicep and main.json describe the same deployment', async () => {
  const jsonResult = await jsonSide();

  it('declare the same parameters: types, decorators, descriptions and default values', () => {
    assert.deepEqual(Object.keys(json.parameters ?? {}), bicep.params.map((p) => p.name));
    for (const param of bicep.params) {
      const definition = json.parameters![param.name];
      assert.equal(definition.type, typeName[param.type], `${param.name} type`);
      const description = param.decorators.description?.[0];
      assert.equal((definition.metadata as { description?: string } | undefined)?.description, description && evaluateBicep(description, {} as EvaluationScope), `${param.name} description`);
      const allowed = param.decorators.allowed?.[0];
      assert.deepEqual(definition.allowedValues, allowed && evaluateBicep(allowed, {} as EvaluationScope), `${param.name} allowed values`);
      for (const limit of ['minLength', 'maxLength', 'minValue', 'maxValue'] as const) {
        const decorator = param.decorators[limit]?.[0];
        assert.equal(definition[limit], decorator && evaluateBicep(decorator, {} as EvaluationScope), `${param.name} ${limit}`);
      }
      assert.equal('defaultValue' in definition, param.defaultValue !== undefined, `${param.name} has a default`);
    }
    assert.deepEqual(jsonResult.params, bicepResult.params);
  });

  it('declare the same variables with the same values', () => {
    assert.deepEqual(jsonResult.vars, bicepResult.vars);
  });

  it('deploy the same resources: ids (types and names), api-versions, in the same order', () => {
    const describe = (r: { id: string; type: string; apiVersion: string }) => `${r.type}@${r.apiVersion} ${r.id}`;
    assert.deepEqual(jsonResult.resources.map(describe).sort(), bicepResult.resources.map(describe).sort());
    assert.equal(jsonResult.resources.length, 14);
  });

  it('with the same dependencies', () => {
    for (const resource of bicepResult.resources) {
      const twin = jsonResult.resources.find((r) => r.id === resource.id)!;
      assert.deepEqual(twin.dependsOn, resource.dependsOn, `dependencies of ${resource.id}`);
    }
  });

  it('with the same bodies, value for value (reference() reads the same resource with its declared api-version)', () => {
    for (const resource of bicepResult.resources) {
      const twin = jsonResult.resources.find((r) => r.id === resource.id)!;
      assert.deepEqual(twin.body, resource.body, `body of ${resource.id}`);
    }
    assert.deepEqual(jsonResult.wrongVersions, []);
  });

  it('with the same outputs, and none of them a key', () => {
    assert.deepEqual(Object.keys(jsonResult.outputs), Object.keys(bicepResult.outputs));
    for (const [name, output] of Object.entries(bicepResult.outputs)) {
      assert.equal(jsonResult.outputs[name].type, typeName[output.type], `${name} type`);
      assert.equal(jsonResult.outputs[name].value, output.value, `${name} value`);
      assert.doesNotMatch(String(output.value), /key|secret|connectionstring/i, `${name} is not a secret`);
    }
    for (const output of bicep.outputs) {
      assert.equal((json.outputs![output.name] as { metadata?: { description?: string } }).metadata?.description, evaluateBicep(output.decorators.description[0], {} as EvaluationScope));
    }
  });

  it('inline exactly the policy and OpenAPI files that main.bicep loads with loadTextContent', () => {
    const labsFile = (path: string) => readFileSync(new URL(`../../labs/${path}`, import.meta.url), 'utf8');
    const byType = (type: string) => (json.resources ?? []).find((r) => r.type === type)!.properties as Record<string, unknown>;
    assert.equal(byType('Microsoft.ApiManagement/service/apis').value, labsFile('specs/azure-openai-inference.json'), 'labs/infra/main.json must inline labs/specs/azure-openai-inference.json unchanged: run `node --import tsx labs/infra/inline-files.ts`');
    assert.equal(byType('Microsoft.ApiManagement/service/apis/policies').value, labsFile('policies/openai-api-token-metrics.xml'), 'labs/infra/main.json must inline labs/policies/openai-api-token-metrics.xml unchanged: run `node --import tsx labs/infra/inline-files.ts`');
    const loads = readFileSync(bicepPath, 'utf8').match(/loadTextContent\('([^']+)'\)/g) ?? [];
    assert.deepEqual(loads, ["loadTextContent('../specs/azure-openai-inference.json')", "loadTextContent('../policies/openai-api-token-metrics.xml')"]);
  });
});

/**
 * `Microsoft.Resources/deployments` in the sandbox, through the SDK's DeploymentsClient: the
 * lesson's template end to end, what-if, deploying twice, and each way a deployment fails, with
 * the status codes and error bodies Azure uses.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from '@azure/arm-resourcesdeployments';
import { mainTemplate, startIacSandbox, type IacSandbox } from './harness.ts';

const RG = 'iac-rg';
const fast = { updateIntervalInMs: 50 };

function deployment(template: Record<string, unknown>, parameters: Record<string, unknown> = {}): Deployment {
  return { properties: { mode: 'Incremental', template, parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, { value: v }])) } };
}

const workspace = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'Microsoft.OperationalInsights/workspaces',
  apiVersion: '2025-02-01',
  name,
  location: '[resourceGroup().location]',
  properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 },
  ...extra,
});

const small = (resources: unknown[], extra: Record<string, unknown> = {}) => ({
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  resources,
  ...extra,
});

/** A value without the timestamps a provider refreshes on every write (modifiedDate and the like). */
function withoutTimestamps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimestamps);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => !(typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(v)))
        .map(([k, v]) => [k, withoutTimestamps(v)]),
    );
  }
  return value;
}

/** Every resource of the group with its properties, minus what changes on any write. */
async function snapshot(h: IacSandbox): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const group = `/subscriptions/${h.sandbox.subscriptionId}/resourceGroups/${RG}`;
  const ids = [
    `${group}/providers/Microsoft.OperationalInsights/workspaces/lab-logs?api-version=2025-02-01`,
    `${group}/providers/Microsoft.Insights/components/lab-insights?api-version=2020-02-02`,
    `${group}/providers/Microsoft.ApiManagement/service/lab-apim-x1/apis/openai?api-version=2024-05-01`,
    `${group}/providers/Microsoft.ApiManagement/service/lab-apim-x1/apis/openai/policies/policy?api-version=2024-05-01&format=rawxml`,
    `${group}/providers/Microsoft.ApiManagement/service/lab-apim-x1/backends/openai-backend?api-version=2024-05-01`,
    `${group}/providers/Microsoft.ApiManagement/service/lab-apim-x1/loggers/appinsights-logger?api-version=2024-05-01`,
    `${group}/providers/Microsoft.ApiManagement/service/lab-apim-x1/apis/openai/diagnostics/applicationinsights?api-version=2024-05-01`,
    `${group}/providers/Microsoft.CognitiveServices/accounts/lab-openai-x1/deployments/gpt-4o-mini?api-version=2024-10-01`,
  ];
  for (const path of ids) {
    const answer = await h.arm('GET', path);
    assert.equal(answer.status, 200, path);
    out[path] = withoutTimestamps(answer.json.properties);
  }
  for (const sid of ['chat-app', 'summarizer-app', 'data-team']) {
    const keys = await h.arm('POST', `${group}/providers/Microsoft.ApiManagement/service/lab-apim-x1/subscriptions/${sid}/listSecrets?api-version=2024-05-01`);
    out[`keys ${sid}`] = keys.json;
  }
  const operations = await h.arm('GET', `${group}/providers/Microsoft.ApiManagement/service/lab-apim-x1/apis/openai/operations?api-version=2024-05-01`);
  out.operations = operations.json.value.map((o: { name: string }) => o.name).sort();
  return out;
}

describe('template deployments in the sandbox', () => {
  let h: IacSandbox;
  const names = { prefix: 'lab', uniqueSuffix: 'x1' };

  before(async () => {
    h = await startIacSandbox();
    await h.resources.resourceGroups.createOrUpdate(RG, { location: 'swedencentral' });
  });
  after(async () => h.close());

  it("deploys the lesson's template: every resource, outputs, operations", async () => {
    const result = await h.deployments.deployments.createOrUpdate(RG, 'main', deployment(mainTemplate(), names), fast);
    assert.equal(result.properties?.provisioningState, 'Succeeded');
    const outputs = result.properties?.outputs as Record<string, { type: string; value: string }>;
    assert.deepEqual(Object.keys(outputs).sort(), ['appInsightsAppId', 'gatewayUrl', 'openAiEndpoint', 'workspaceCustomerId']);
    assert.equal(outputs.gatewayUrl.value, `${h.sandbox.url}/apim/lab-apim-x1`);
    assert.match(outputs.workspaceCustomerId.value, /^[0-9a-f-]{36}$/);
    assert.ok(!JSON.stringify(outputs).match(/key|secret/i), 'no key among the outputs');
    assert.equal(result.properties?.outputResources?.length, 14);
    assert.equal(result.properties?.parameters?.prefix?.value, 'lab');

    const operations = [];
    for await (const op of h.deployments.deploymentOperations.list(RG, 'main')) operations.push(op);
    const resourceOps = operations.filter((op) => op.properties?.targetResource);
    assert.equal(resourceOps.length, 14);
    assert.ok(resourceOps.every((op) => op.properties?.provisioningState === 'Succeeded' && op.properties.provisioningOperation === 'Create'));
    assert.ok(operations.some((op) => op.properties?.provisioningOperation === 'EvaluateDeploymentOutput'));
    const single = await h.deployments.deploymentOperations.get(RG, 'main', resourceOps[0].operationId!);
    assert.equal(single.properties?.targetResource?.id, resourceOps[0].properties?.targetResource?.id);

    // The resources are the ones the direct ARM routes serve: the API carries the spec's operations,
    // the policy is the lab file, the diagnostic sends metrics, the role lets APIM call the model.
    const group = `/subscriptions/${h.sandbox.subscriptionId}/resourceGroups/${RG}`;
    const ops = await h.arm('GET', `${group}/providers/Microsoft.ApiManagement/service/lab-apim-x1/apis/openai/operations?api-version=2024-05-01`);
    assert.deepEqual(ops.json.value.map((o: { name: string }) => o.name).sort(), ['ChatCompletions_Create', 'Completions_Create', 'embeddings_create']);
    const diagnostic = await h.arm('GET', `${group}/providers/Microsoft.ApiManagement/service/lab-apim-x1/apis/openai/diagnostics/applicationinsights?api-version=2024-05-01`);
    assert.equal(diagnostic.json.properties.metrics, true);
    const component = await h.arm('GET', `${group}/providers/Microsoft.Insights/components/lab-insights?api-version=2020-02-02`);
    assert.equal(component.json.properties.CustomMetricsOptedInType, 'WithDimensions');
    const roles = await h.arm('GET', `${group}/providers/Microsoft.CognitiveServices/accounts/lab-openai-x1/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`);
    const apim = await h.arm('GET', `${group}/providers/Microsoft.ApiManagement/service/lab-apim-x1?api-version=2024-05-01`);
    assert.ok(roles.json.value.some((r: { properties: { principalId: string; roleDefinitionId: string } }) =>
      r.properties.principalId === apim.json.identity.principalId && r.properties.roleDefinitionId.endsWith('5e0bd9bd-7b93-4f28-af87-19fc36ad61bd')));
  });

  it('deploying the same template twice changes nothing (keys included), and what-if says so', async () => {
    const before = await snapshot(h);
    const preview = await h.deployments.deployments.whatIf(RG, 'main', deployment(mainTemplate(), names), fast);
    assert.deepEqual([...new Set(preview.changes?.map((c) => c.changeType))], ['NoChange']);
    const second = await h.deployments.deployments.createOrUpdate(RG, 'main', deployment(mainTemplate(), names), fast);
    assert.equal(second.properties?.provisioningState, 'Succeeded');
    assert.deepEqual(await snapshot(h), before);
  });

  it('what-if names what a changed parameter would modify, and changes nothing', async () => {
    const before = await snapshot(h);
    const preview = await h.deployments.deployments.whatIf(RG, 'main', deployment(mainTemplate(), { ...names, modelCapacity: 20 }), fast);
    const modified = preview.changes?.filter((c) => c.changeType === 'Modify') ?? [];
    assert.equal(modified.length, 1);
    assert.match(modified[0].resourceId ?? '', /deployments\/gpt-4o-mini$/);
    assert.deepEqual(modified[0].delta?.map((d) => [d.path, d.before, d.after]), [['sku.capacity', 10, 20]]);
    assert.deepEqual(await snapshot(h), before);
  });

  it('a bad parameter value is refused with 400 InvalidTemplate and leaves no deployment', async () => {
    await assert.rejects(h.deployments.deployments.createOrUpdate(RG, 'bad-param', deployment(mainTemplate(), { ...names, apimSku: 'Gold' }), fast), (error: any) => {
      assert.equal(error.statusCode, 400);
      assert.equal(error.code, 'InvalidTemplate');
      assert.match(error.message, /'Gold' for the template parameter 'apimSku' is not valid/);
      return true;
    });
    await assert.rejects(h.deployments.deployments.get(RG, 'bad-param'), (error: any) => error.statusCode === 404 && error.code === 'DeploymentNotFound');
  });

  it('an unknown template function is refused with 400 InvalidTemplate naming it', async () => {
    await assert.rejects(
      h.deployments.deployments.createOrUpdate(RG, 'bad-function', deployment(small([workspace("[toLowr('WS')]")])), fast),
      (error: any) => error.statusCode === 400 && error.code === 'InvalidTemplate' && /'toLowr' is not valid/.test(error.message),
    );
  });

  it('a function the sandbox does not support ends the deployment Failed, naming it, before any resource', async () => {
    await assert.rejects(h.deployments.deployments.createOrUpdate(RG, 'unsupported', deployment(small([workspace("[concat('ws-', dateTimeAdd(utcNow(), 'P1D'))]")])), fast), /long-running operation has failed/);
    const failed = await h.deployments.deployments.get(RG, 'unsupported');
    assert.equal(failed.properties?.provisioningState, 'Failed');
    assert.equal(failed.properties?.error?.code, 'InvalidTemplate');
    assert.match(failed.properties?.error?.message ?? '', /'dateTimeAdd' is valid in Azure Resource Manager but the local sandbox does not support it/);
    const operations = [];
    for await (const op of h.deployments.deploymentOperations.list(RG, 'unsupported')) operations.push(op);
    assert.equal(operations.length, 0);
  });

  it('a resource the provider refuses ends the deployment Failed with DeploymentFailed and a failed operation', async () => {
    const template = small([workspace('ok-ws'), workspace('bad_name!'), workspace('after-bad', { dependsOn: ["[resourceId('Microsoft.OperationalInsights/workspaces', 'bad_name!')]"] })]);
    await assert.rejects(h.deployments.deployments.createOrUpdate(RG, 'failing', deployment(template), fast), /DeploymentFailed/);
    const failed = await h.deployments.deployments.get(RG, 'failing');
    assert.equal(failed.properties?.provisioningState, 'Failed');
    assert.equal(failed.properties?.error?.code, 'DeploymentFailed');
    assert.match(failed.properties?.error?.message ?? '', /At least one resource deployment operation failed/);
    assert.equal(failed.properties?.error?.details?.[0]?.code, 'InvalidResourceName');
    const operations = [];
    for await (const op of h.deployments.deploymentOperations.list(RG, 'failing')) operations.push(op);
    const bad = operations.find((op) => op.properties?.targetResource?.resourceName === 'bad_name!');
    assert.equal(bad?.properties?.provisioningState, 'Failed');
    assert.equal(bad?.properties?.statusCode, 'BadRequest');
    assert.equal(bad?.properties?.statusMessage?.error?.code, 'InvalidResourceName');
    assert.ok(operations.some((op) => op.properties?.targetResource?.resourceName === 'ok-ws' && op.properties.provisioningState === 'Succeeded'));
    assert.ok(!operations.some((op) => op.properties?.targetResource?.resourceName === 'after-bad'));
  });

  it('answers Azure-shaped errors for a missing group, a missing deployment, a linked template and Complete mode', async () => {
    await assert.rejects(h.deployments.deployments.createOrUpdate('no-such-rg', 'x', deployment(small([])), fast), (e: any) => e.statusCode === 404 && e.code === 'ResourceGroupNotFound');
    await assert.rejects(h.deployments.deployments.get(RG, 'never'), (e: any) => e.statusCode === 404 && e.code === 'DeploymentNotFound');
    await assert.rejects(
      h.deployments.deployments.createOrUpdate(RG, 'linked', { properties: { mode: 'Incremental', templateLink: { uri: 'https://example.com/t.json' } } }, fast),
      (e: any) => e.statusCode === 400 && /cannot download templates/.test(e.message),
    );
    await assert.rejects(
      h.deployments.deployments.createOrUpdate(RG, 'complete', { properties: { mode: 'Complete', template: small([]) } }, fast),
      (e: any) => e.statusCode === 400 && e.code === 'InvalidDeploymentMode',
    );
  });

  it('validate checks without deploying; the list shows every deployment; delete removes only the record', async () => {
    const valid = await h.deployments.deployments.validate(RG, 'check', deployment(small([workspace('validated-ws')])), fast);
    assert.equal(valid.properties?.provisioningState, 'Succeeded');
    await assert.rejects(h.arm('GET', `/subscriptions/${h.sandbox.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.OperationalInsights/workspaces/validated-ws?api-version=2025-02-01`).then((r) => {
      if (r.status !== 200) throw new Error(String(r.status));
    }), /404/);
    const listed = [];
    for await (const d of h.deployments.deployments.listByResourceGroup(RG)) listed.push(d.name);
    assert.deepEqual(listed.sort(), ['failing', 'main', 'unsupported']);
    await h.deployments.deployments.delete(RG, 'failing', fast);
    await assert.rejects(h.deployments.deployments.get(RG, 'failing'), (e: any) => e.statusCode === 404);
    const kept = await h.arm('GET', `/subscriptions/${h.sandbox.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.OperationalInsights/workspaces/ok-ws?api-version=2025-02-01`);
    assert.equal(kept.status, 200);
  });
});

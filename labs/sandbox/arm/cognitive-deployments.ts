/**
 * `Microsoft.CognitiveServices/accounts/deployments`: a model deployment of an Azure OpenAI
 * account (PUT as a long-running operation, GET, list, DELETE). `sku.capacity` is in thousands of
 * tokens per minute, shown in `properties.rateLimits` as Azure does.
 */
import { type SandboxResponse } from '../core/exchange.ts';
import { type ArmResource, resourceKey } from '../core/resources.ts';
import { cognitiveApi } from './api-versions.ts';
import { requireAccount } from './cognitive-accounts.ts';
import { defaultModelVersions, deploymentSkus, isEmbeddingModel } from './cognitive-models.ts';
import type { ArmContext } from './context.ts';
import { ArmError } from './errors.ts';
import { asyncHeaders, longRunningDelete, recordOperation } from './lro.ts';
import { checkName, nameRules } from './names.ts';
import type { Route, RouteParams } from './router.ts';
import { type Json, listResponse, newEtag, propertiesOf, readBody, resourceResponse, systemData } from './shape.ts';
import { detachTree } from './soft-delete.ts';

const TYPE = 'Microsoft.CognitiveServices/accounts/deployments';

function deploymentNotFound(name: string): ArmError {
  return new ArmError(404, 'DeploymentNotFound', `The deployment '${name}' was not found.`);
}

function validateModel(properties: Json): { format: string; name: string; version: string } {
  const model = properties.model as Json | undefined | null;
  if (model === undefined || model === null || typeof model !== 'object' || typeof model.name !== 'string' || model.name === '') {
    throw new ArmError(400, 'InvalidResourceProperties', "properties.model is required: { \"format\": \"OpenAI\", \"name\": \"gpt-4o-mini\", \"version\": \"2024-07-18\" }.");
  }
  const format = model.format === undefined ? 'OpenAI' : model.format;
  if (format !== 'OpenAI') {
    throw new ArmError(400, 'InvalidResourceProperties', `The model format '${String(format)}' is not available in the sandbox; use "OpenAI".`);
  }
  const defaultVersion = defaultModelVersions[model.name];
  if (defaultVersion === undefined) {
    throw new ArmError(
      400,
      'DeploymentModelNotSupported',
      `The model '${model.name}' is not supported. The sandbox deploys: ${Object.keys(defaultModelVersions).join(', ')}.`,
    );
  }
  const version = model.version === undefined || model.version === null || model.version === '' ? defaultVersion : model.version;
  if (typeof version !== 'string') throw new ArmError(400, 'InvalidResourceProperties', 'properties.model.version must be a string.');
  return { format, name: model.name, version };
}

function validateSku(body: Json): { name: string; capacity: number } {
  const sku = body.sku as Json | undefined | null;
  if (sku === undefined || sku === null || typeof sku !== 'object') {
    throw new ArmError(400, 'InvalidResourceProperties', "The 'sku' property is required, e.g. { \"name\": \"Standard\", \"capacity\": 10 } (capacity in thousands of tokens per minute).");
  }
  const name = deploymentSkus.find((s) => s.toLowerCase() === String(sku.name).toLowerCase());
  if (name === undefined) throw new ArmError(400, 'InvalidSkuName', `The deployment SKU '${String(sku.name)}' is not valid. Use one of: ${deploymentSkus.join(', ')}.`);
  const capacity = sku.capacity === undefined ? 1 : sku.capacity;
  if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 1 || capacity > 100_000) {
    throw new ArmError(400, 'InvalidCapacity', `sku.capacity must be a whole number from 1 to 100000 (thousands of tokens per minute), got ${JSON.stringify(capacity)}.`);
  }
  return { name, capacity };
}

function putDeployment(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const account = requireAccount(ctx, p);
  checkName(p.deploymentName, nameRules.cognitiveDeployment);
  const body = readBody(ctx);
  const properties = propertiesOf(body);
  const model = validateModel(properties);
  const sku = validateSku(body);
  const id = `${account.id}/deployments/${p.deploymentName}`;
  const existing = ctx.store.get(id);
  const busy = ctx.store.children(account.id, 'deployments').find((d) =>
    resourceKey(d.id) !== resourceKey(id) && !['Succeeded', 'Failed'].includes(String(d.properties.provisioningState)));
  if (busy !== undefined) {
    throw new ArmError(409, 'RequestConflict', `Another operation is being performed on the parent resource '${account.id}' (deployment '${busy.name}'). Please try again later.`);
  }
  const embedding = isEmbeddingModel(model.name);
  const deployment: ArmResource = {
    id,
    name: p.deploymentName,
    type: TYPE,
    sku,
    etag: newEtag(),
    systemData: systemData(ctx, existing),
    properties: {
      model,
      versionUpgradeOption: properties.versionUpgradeOption ?? 'OnceNewDefaultVersionAvailable',
      raiPolicyName: properties.raiPolicyName ?? 'Microsoft.DefaultV2',
      currentCapacity: sku.capacity,
      capabilities: embedding ? { embeddings: 'true' } : { chatCompletion: 'true' },
      rateLimits: [
        { key: 'request', renewalPeriod: 10, count: sku.capacity },
        { key: 'token', renewalPeriod: 60, count: sku.capacity * 1000 },
      ],
      provisioningState: 'Succeeded',
    },
  };
  const transitional = existing === undefined ? 'Creating' : 'Updating';
  const op = ctx.store.update((state) => {
    state.resources[resourceKey(id)] = deployment;
    return recordOperation(ctx, state, id, 'put', transitional);
  });
  return resourceResponse(existing === undefined ? 201 : 200, { ...deployment, properties: { ...deployment.properties, provisioningState: transitional } }, asyncHeaders(ctx, id, op));
}

function getDeployment(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const account = requireAccount(ctx, p);
  const deployment = ctx.store.get(`${account.id}/deployments/${p.deploymentName}`);
  if (deployment === undefined) throw deploymentNotFound(p.deploymentName);
  return resourceResponse(200, deployment);
}

function deleteDeployment(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const account = requireAccount(ctx, p);
  const id = `${account.id}/deployments/${p.deploymentName}`;
  if (ctx.store.get(id) === undefined) return { status: 204, headers: {}, body: '' };
  return longRunningDelete(ctx, id, (state) => detachTree(state, id));
}

function listDeployments(ctx: ArmContext, p: RouteParams): SandboxResponse {
  return listResponse(ctx.store.children(requireAccount(ctx, p).id, 'deployments'));
}

const base = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.CognitiveServices/accounts/{accountName}/deployments';

export const cognitiveDeploymentRoutes: Route<ArmContext>[] = [
  { methods: ['GET'], pattern: base, versions: cognitiveApi, handle: listDeployments },
  { methods: ['PUT'], pattern: `${base}/{deploymentName}`, versions: cognitiveApi, handle: putDeployment },
  { methods: ['GET'], pattern: `${base}/{deploymentName}`, versions: cognitiveApi, handle: getDeployment },
  { methods: ['DELETE'], pattern: `${base}/{deploymentName}`, versions: cognitiveApi, handle: deleteDeployment },
];

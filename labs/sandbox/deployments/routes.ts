/**
 * `Microsoft.Resources/deployments` at resource-group scope: PUT (a long-running operation that
 * runs the template in the background), GET, list, DELETE, HEAD, `validate`, `whatIf`, and the
 * deployment operations list. A template that fails validation is refused with `400
 * InvalidTemplate` and leaves no deployment behind, as on Azure; a deployment that fails while
 * running ends `Failed` with ARM's error body and its failed operations.
 *
 * The deployment is stored as a resource of the resource group (so deleting the group removes
 * it); its operations and template are kept with it, never returned by GET.
 */
import { jsonResponse, type SandboxRequest, type SandboxResponse } from '../core/exchange.ts';
import type { ArmResource } from '../core/resources.ts';
import { resourceKey } from '../core/resources.ts';
import type { ApiVersions } from '../arm/api-versions.ts';
import type { ArmContext } from '../arm/context.ts';
import { ArmError, badRequest } from '../arm/errors.ts';
import type { Route, RouteParams } from '../arm/router.ts';
import { listResponse, propertiesOf, readBody, requireResourceGroup, resourceResponse, toWire, type Json } from '../arm/shape.ts';
import type { OperationRecord } from '../store.ts';
import { inProcessDriver } from './driver.ts';
import { uniqueString } from './hash.ts';
import { planDeployment, TemplateValidationError, type DeploymentPlan, type DeploymentScope, type Template } from './plan.ts';
import { displayType, runDeployment, type DeploymentOperation, type DeploymentOutcome } from './run.ts';
import { whatIf } from './whatif.ts';

export const DEPLOYMENT_TYPE = 'Microsoft.Resources/deployments';

export interface DeploymentRouteDeps {
  /** Runs any ARM request in process (the sandbox's own handlers). */
  arm(req: SandboxRequest): Promise<SandboxResponse>;
  sleep(ms: number): Promise<void>;
  log(message: string): void;
}

const RUNNING_STATES = new Set(['Accepted', 'Running']);

function deploymentId(group: ArmResource, name: string): string {
  return `${group.id}/providers/${DEPLOYMENT_TYPE}/${name}`;
}

function checkDeploymentName(name: string): void {
  if (!/^[-\w._()]{1,64}$/.test(name)) {
    throw badRequest('InvalidDeploymentName', `The deployment name '${name}' is invalid. It can have up to 64 letters, digits, '-', '_', '.', '(' and ')'.`);
  }
}

/** ISO 8601 duration such as `PT12.345S`. */
function isoDuration(ms: number): string {
  return `PT${(Math.max(0, ms) / 1000).toFixed(3).replace(/\.?0+$/, '')}S`;
}

function newOperationId(): string {
  return crypto.randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
}

function storedOperations(resource: ArmResource): DeploymentOperation[] {
  return JSON.parse(resource.secrets?.operations ?? '[]') as DeploymentOperation[];
}

function operationWire(deployment: ArmResource, op: DeploymentOperation): Json {
  const properties: Json = {
    provisioningOperation: op.provisioningOperation,
    provisioningState: op.provisioningState,
    timestamp: new Date(op.endedAt ?? op.startedAt).toISOString(),
    duration: isoDuration((op.endedAt ?? Date.now()) - op.startedAt),
    trackingId: op.operationId.toLowerCase(),
  };
  if (op.statusCode !== undefined) properties.statusCode = op.statusCode;
  if (op.error !== undefined) properties.statusMessage = { status: 'Failed', error: op.error };
  if (op.target !== undefined) properties.targetResource = op.target;
  return { id: `${deployment.id}/operations/${op.operationId}`, operationId: op.operationId, properties };
}

/** What the deployment echoes of its parameters: types capitalised, secure values left out. */
function echoParameters(plan: DeploymentPlan): Json {
  return Object.fromEntries(
    Object.entries(plan.parameters).map(([name, { type, value }]) => [name, type.toLowerCase().startsWith('secure') ? { type: displayType(type) } : { type: displayType(type), value }]),
  );
}

function providersOf(plan: DeploymentPlan, location: string): Json[] {
  const byNamespace = new Map<string, Map<string, Set<string>>>();
  for (const resource of plan.resources) {
    const [namespace, ...rest] = resource.type.split('/');
    const types = byNamespace.get(namespace) ?? new Map<string, Set<string>>();
    const locations = types.get(rest.join('/')) ?? new Set<string>();
    const declared = resource.definition.location;
    locations.add(typeof declared === 'string' && !declared.startsWith('[') ? declared : location);
    types.set(rest.join('/'), locations);
    byNamespace.set(namespace, types);
  }
  return [...byNamespace].map(([namespace, types]) => ({
    namespace,
    resourceTypes: [...types].map(([resourceType, locations]) => ({ resourceType, locations: [...locations] })),
  }));
}

function dependenciesOf(plan: DeploymentPlan): Json[] {
  const describe = (id: string): Json => {
    const resource = plan.resources.find((r) => r.id === id);
    return { id, resourceType: resource?.type ?? '', resourceName: resource?.name ?? '' };
  };
  return plan.resources
    .filter((r) => r.dependsOn.length > 0)
    .map((r) => ({ dependsOn: r.dependsOn.map(describe), id: r.id, resourceType: r.type, resourceName: r.name }));
}

function templateHash(template: Template): string {
  const [high, low] = [uniqueString([JSON.stringify(template)]), uniqueString(['hash', JSON.stringify(template)])];
  let value = 0n;
  for (const ch of high + low) value = (value * 37n + BigInt(ch.charCodeAt(0))) % 18446744073709551557n;
  return value.toString();
}

/** Writes a change to the stored deployment, unless it has been deleted meanwhile (e.g. with its group). */
function updateDeployment(ctx: ArmContext, id: string, change: (resource: ArmResource) => void): void {
  ctx.store.update((state) => {
    const resource = state.resources[resourceKey(id)];
    if (resource !== undefined) change(resource);
  });
}

const STATUS_LEASE_MS = 30_000;
const INTERRUPTED = { code: 'DeploymentInterrupted', message: 'The sandbox stopped while this deployment was running. Deploy again: resources that were created are updated in place.' };

function renewLease(ctx: ArmContext, operationId: string): void {
  ctx.store.update((state) => {
    const record = state.operations[operationId];
    if (record !== undefined) record.doneAt = ctx.now() + STATUS_LEASE_MS;
  });
}

function finishOperationRecord(ctx: ArmContext, operationId: string, outcome: DeploymentOutcome): void {
  ctx.store.update((state) => {
    const record = state.operations[operationId];
    if (record === undefined) return;
    record.doneAt = ctx.now();
    record.status = outcome.provisioningState;
    if (outcome.error !== undefined) record.error = { code: outcome.error.code, message: outcome.error.message };
    else delete record.error;
  });
}

/** Runs the plan in the background and records every step in the store. */
async function runInBackground(ctx: ArmContext, deps: DeploymentRouteDeps, id: string, plan: DeploymentPlan, statusId: string): Promise<void> {
  const started = ctx.now();
  let outcome: DeploymentOutcome;
  try {
    updateDeployment(ctx, id, (resource) => {
      resource.properties.provisioningState = 'Running';
    });
    const driver = inProcessDriver({ arm: deps.arm, authorization: ctx.req.headers.authorization ?? '', sleep: deps.sleep });
    outcome = await runDeployment(plan, driver, {
      now: ctx.now,
      newOperationId,
      onOperation: (op) =>
        updateDeployment(ctx, id, (resource) => {
          const operations = storedOperations(resource).filter((known) => known.operationId !== op.operationId);
          operations.push(op);
          resource.secrets = { ...resource.secrets, operations: JSON.stringify(operations) };
        }),
    });
  } catch (error) {
    deps.log(`Deployment ${id} failed unexpectedly: ${(error as Error)?.stack ?? String(error)}`);
    outcome = { provisioningState: 'Failed', outputResources: [], error: { code: 'InternalServerError', message: 'The sandbox hit an unexpected error while deploying. The sandbox log has the details.' } };
  }
  updateDeployment(ctx, id, (resource) => {
    const properties = resource.properties;
    properties.provisioningState = outcome.provisioningState;
    properties.timestamp = new Date(ctx.now()).toISOString();
    properties.duration = isoDuration(ctx.now() - started);
    properties.outputResources = outcome.outputResources.map((resourceId) => ({ id: resourceId }));
    if (outcome.outputs !== undefined) properties.outputs = outcome.outputs;
    if (outcome.error !== undefined) properties.error = outcome.error;
  });
  finishOperationRecord(ctx, statusId, outcome);
  deps.log(`Deployment ${id.split('/').pop()} ${outcome.provisioningState.toLowerCase()} (${isoDuration(ctx.now() - started)})`);
}

interface DeploymentRequest {
  template: Template;
  parameters: Record<string, { value?: unknown }>;
  mode: string;
  body: Json;
}

function readDeploymentRequest(ctx: ArmContext): DeploymentRequest {
  const body = readBody(ctx);
  const properties = propertiesOf(body);
  if (properties.templateLink !== undefined) {
    throw badRequest('InvalidTemplateLink', 'The local sandbox cannot download templates from a link (templateLink). Send the template inline in properties.template, as `az deployment group create --template-file` and the SDK do.');
  }
  if (properties.parametersLink !== undefined) {
    throw badRequest('InvalidParametersLink', 'The local sandbox cannot download parameters from a link (parametersLink). Send them inline in properties.parameters.');
  }
  const template = properties.template;
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw badRequest('InvalidRequestContent', "The request content was invalid: 'properties.template' must be the template as a JSON object.");
  }
  const mode = String(properties.mode ?? 'Incremental');
  if (mode.toLowerCase() === 'complete') {
    throw badRequest('InvalidDeploymentMode', "The local sandbox deploys in 'Incremental' mode only; 'Complete' mode (deleting resources the template does not list) is not emulated.");
  }
  if (mode.toLowerCase() !== 'incremental') throw badRequest('InvalidDeploymentMode', `The deployment mode '${mode}' is not valid. Use 'Incremental'.`);
  const parameters = properties.parameters ?? {};
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) {
    throw badRequest('InvalidRequestContent', "The request content was invalid: 'properties.parameters' must be an object such as { \"name\": { \"value\": ... } }.");
  }
  return { template: template as Template, parameters: parameters as Record<string, { value?: unknown }>, mode: 'Incremental', body };
}

async function planOrRefuse(ctx: ArmContext, p: RouteParams): Promise<{ group: ArmResource; plan: DeploymentPlan; request: DeploymentRequest }> {
  checkDeploymentName(p.deploymentName);
  const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  const request = readDeploymentRequest(ctx);
  const scope: DeploymentScope = {
    subscriptionId: group.id.split('/')[2],
    tenantId: ctx.store.tenantId,
    resourceGroup: { id: group.id, name: group.name, location: group.location ?? '', tags: group.tags },
    deploymentName: p.deploymentName,
  };
  try {
    return { group, plan: await planDeployment(request.template, request.parameters, scope), request };
  } catch (error) {
    if (error instanceof TemplateValidationError) throw new ArmError(400, 'InvalidTemplate', error.message);
    throw error;
  }
}

function requireDeployment(ctx: ArmContext, p: RouteParams): ArmResource {
  const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  const deployment = ctx.store.get(deploymentId(group, p.deploymentName));
  if (deployment === undefined || deployment.type !== DEPLOYMENT_TYPE) {
    throw new ArmError(404, 'DeploymentNotFound', `Deployment '${p.deploymentName}' could not be found.`);
  }
  return deployment;
}

/** A deployment left running by a sandbox that stopped can never finish: report it as failed. */
function settleInterrupted(ctx: ArmContext, deployment: ArmResource, active: Set<string>): ArmResource {
  if (!RUNNING_STATES.has(String(deployment.properties.provisioningState)) || active.has(resourceKey(deployment.id))) return deployment;
  const error = INTERRUPTED;
  updateDeployment(ctx, deployment.id, (resource) => {
    resource.properties.provisioningState = 'Failed';
    resource.properties.error = error;
  });
  const statusId = deployment.secrets?.statusOperation;
  if (statusId !== undefined) finishOperationRecord(ctx, statusId, { provisioningState: 'Failed', outputResources: [], error });
  return ctx.store.get(deployment.id) ?? deployment;
}

export function deploymentRoutes(deps: DeploymentRouteDeps, versions: ApiVersions): Route<ArmContext>[] {
  /** Deployments this process is running (others marked running were cut off by a restart). */
  const active = new Set<string>();
  const base = '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.Resources/deployments';
  const operationsBases = [`${base}/{deploymentName}/operations`, '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/deployments/{deploymentName}/operations'];
  const current = (ctx: ArmContext, p: RouteParams): ArmResource => settleInterrupted(ctx, requireDeployment(ctx, p), active);

  const put: Route<ArmContext> = {
    methods: ['PUT'],
    pattern: `${base}/{deploymentName}`,
    versions,
    async handle(ctx, p) {
      const { group, plan, request } = await planOrRefuse(ctx, p);
      const id = deploymentId(group, p.deploymentName);
      const existing = ctx.store.get(id);
      if (existing !== undefined && active.has(resourceKey(id))) {
        throw new ArmError(409, 'DeploymentActive', `Unable to edit or replace deployment '${p.deploymentName}': previous deployment from '${String(existing.properties.timestamp)}' is still active. Please see https://aka.ms/arm-deploy for usage details.`);
      }
      const now = ctx.now();
      // The status answers "InProgress" while the lease runs; the run renews it. Should the sandbox
      // stop mid-deployment, the lease runs out and the status says why the deployment failed.
      const statusOperation: OperationRecord = { id: crypto.randomUUID(), resourceId: id, action: 'put', startedAt: now, doneAt: now + STATUS_LEASE_MS, status: 'Failed', error: INTERRUPTED };
      const resource: ArmResource = {
        id,
        name: p.deploymentName,
        type: DEPLOYMENT_TYPE,
        ...(typeof request.body.location === 'string' ? { location: request.body.location } : {}),
        ...(request.body.tags !== undefined ? { tags: request.body.tags as Record<string, string> } : {}),
        properties: {
          templateHash: templateHash(plan.template),
          parameters: echoParameters(plan),
          mode: request.mode,
          provisioningState: 'Accepted',
          timestamp: new Date(now).toISOString(),
          duration: 'PT0S',
          correlationId: crypto.randomUUID(),
          providers: providersOf(plan, group.location ?? ''),
          dependencies: dependenciesOf(plan),
        },
        secrets: { operations: '[]', template: JSON.stringify(plan.template), statusOperation: statusOperation.id },
      };
      ctx.store.update((state) => {
        state.resources[resourceKey(id)] = resource;
        state.operations[statusOperation.id] = statusOperation;
      });
      active.add(resourceKey(id));
      const renew = setInterval(() => renewLease(ctx, statusOperation.id), STATUS_LEASE_MS / 3);
      renew.unref();
      void runInBackground(ctx, deps, id, plan, statusOperation.id).finally(() => {
        clearInterval(renew);
        active.delete(resourceKey(id));
      });
      const statusUrl = `${ctx.origin}${id}/operationstatuses/${statusOperation.id}?api-version=${encodeURIComponent(ctx.apiVersion)}`;
      return jsonResponse(existing === undefined ? 201 : 200, toWire(resource), { 'azure-asyncoperation': statusUrl, 'retry-after': '1' });
    },
  };

  const get: Route<ArmContext> = {
    methods: ['GET'],
    pattern: `${base}/{deploymentName}`,
    versions,
    handle: (ctx, p) => resourceResponse(200, current(ctx, p)),
  };

  const head: Route<ArmContext> = {
    methods: ['HEAD'],
    pattern: `${base}/{deploymentName}`,
    versions,
    handle(ctx, p) {
      const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
      const found = ctx.store.get(deploymentId(group, p.deploymentName)) !== undefined;
      return { status: found ? 204 : 404, headers: {}, body: '' };
    },
  };

  const remove: Route<ArmContext> = {
    methods: ['DELETE'],
    pattern: `${base}/{deploymentName}`,
    versions,
    handle(ctx, p) {
      const deployment = current(ctx, p);
      if (active.has(resourceKey(deployment.id))) {
        throw new ArmError(409, 'DeploymentActive', `The deployment '${p.deploymentName}' is still running; wait for it to finish before deleting it.`);
      }
      ctx.store.update((state) => {
        delete state.resources[resourceKey(deployment.id)];
      });
      return { status: 204, headers: {}, body: '' };
    },
  };

  const list: Route<ArmContext> = {
    methods: ['GET'],
    pattern: base,
    versions,
    handle(ctx, p) {
      const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
      const deployments = ctx.store.children(`${group.id}/providers/Microsoft.Resources`, 'deployments').filter((r) => r.type === DEPLOYMENT_TYPE);
      return listResponse(deployments.map((d) => settleInterrupted(ctx, d, active)));
    },
  };

  const operationRoutes: Route<ArmContext>[] = operationsBases.flatMap((operationsBase) => [
    {
      methods: ['GET'],
      pattern: operationsBase,
      versions,
      handle(ctx: ArmContext, p: RouteParams) {
        const deployment = current(ctx, p);
        const operations = storedOperations(deployment).sort((a, b) => b.startedAt - a.startedAt);
        return jsonResponse(200, { value: operations.map((op) => operationWire(deployment, op)) });
      },
    },
    {
      methods: ['GET'],
      pattern: `${operationsBase}/{operationId}`,
      versions,
      handle(ctx: ArmContext, p: RouteParams) {
        const deployment = current(ctx, p);
        const op = storedOperations(deployment).find((o) => o.operationId.toLowerCase() === p.operationId.toLowerCase());
        if (op === undefined) throw new ArmError(404, 'DeploymentOperationNotFound', `Deployment operation '${p.operationId}' of deployment '${p.deploymentName}' could not be found.`);
        return jsonResponse(200, operationWire(deployment, op));
      },
    },
  ]);

  const validate: Route<ArmContext> = {
    methods: ['POST'],
    pattern: `${base}/{deploymentName}/validate`,
    versions,
    async handle(ctx, p) {
      const { group, plan, request } = await planOrRefuse(ctx, p);
      return jsonResponse(200, {
        id: deploymentId(group, p.deploymentName),
        name: p.deploymentName,
        type: DEPLOYMENT_TYPE,
        properties: {
          templateHash: templateHash(plan.template),
          parameters: echoParameters(plan),
          mode: request.mode,
          provisioningState: 'Succeeded',
          timestamp: new Date(ctx.now()).toISOString(),
          duration: 'PT0S',
          correlationId: crypto.randomUUID(),
          providers: providersOf(plan, group.location ?? ''),
          dependencies: dependenciesOf(plan),
          validatedResources: plan.resources.map((r) => ({ id: r.id })),
        },
      });
    },
  };

  const whatIfRoute: Route<ArmContext> = {
    methods: ['POST'],
    pattern: `${base}/{deploymentName}/whatIf`,
    versions,
    async handle(ctx, p) {
      const { plan } = await planOrRefuse(ctx, p);
      if (plan.unsupportedFunction !== undefined) {
        throw new ArmError(400, 'InvalidTemplate', `The template function '${plan.unsupportedFunction}' is valid in Azure Resource Manager but the local sandbox does not support it.`);
      }
      const driver = inProcessDriver({ arm: deps.arm, authorization: ctx.req.headers.authorization ?? '', sleep: deps.sleep });
      const changes = await whatIf(plan, driver);
      return jsonResponse(200, { status: 'Succeeded', properties: { changes } });
    },
  };

  return [put, get, head, remove, list, ...operationRoutes, validate, whatIfRoute];
}

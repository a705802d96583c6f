/**
 * Runs a validated deployment plan: deploys each resource once everything it depends on has
 * succeeded (independent resources in parallel, as ARM does), records one deployment operation
 * per resource, then evaluates the outputs. A failed resource stops its dependents, not the
 * others. The result carries ARM's error shape. Isomorphic: no Node modules.
 */
import { TemplateExpressionError } from './expression.ts';
import { evaluateValue } from './evaluate.ts';
import { typeName, type FunctionContext, type JsonValue } from './functions.ts';
import { baseContext, NON_BODY_KEYS, type DeploymentPlan, type PlannedResource, type VariableCache } from './plan.ts';

export interface ArmErrorBody {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorBody[];
}

/** A provider's refusal (4xx/5xx, or a long-running operation that ended Failed). */
export class ResourceFailure extends Error {
  constructor(readonly status: number, readonly error: ArmErrorBody) {
    super(error.message);
  }
}

/** How the engine reaches resource providers: the sandbox's own ARM handlers, in process. */
export interface ResourceDriver {
  /** PUT the body and wait for any long-running operation; resolves with the HTTP status of the first answer. */
  put(id: string, apiVersion: string, body: JsonValue): Promise<{ status: number }>;
  /** The whole resource, or undefined when it does not exist. */
  get(id: string, apiVersion: string): Promise<JsonValue | undefined>;
  post(id: string, action: string, apiVersion: string, body: JsonValue | undefined): Promise<JsonValue>;
}

export interface DeploymentOperation {
  operationId: string;
  provisioningOperation: 'Create' | 'EvaluateDeploymentOutput';
  provisioningState: 'Running' | 'Succeeded' | 'Failed';
  startedAt: number;
  endedAt?: number;
  statusCode?: string;
  error?: ArmErrorBody;
  target?: { id: string; resourceType: string; resourceName: string; apiVersion: string };
}

export interface DeploymentOutcome {
  provisioningState: 'Succeeded' | 'Failed';
  outputs?: Record<string, { type: string; value: JsonValue }>;
  outputResources: string[];
  error?: ArmErrorBody;
}

export interface RunHooks {
  now(): number;
  newOperationId(): string;
  /** Called whenever an operation starts or ends (the route persists it). */
  onOperation(operation: DeploymentOperation): Promise<void> | void;
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'NoContent', 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 429: 'TooManyRequests', 500: 'InternalServerError' };

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? String(status);
}

const DEPLOYMENT_FAILED_MESSAGE =
  'At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.';

function resourceGroupOf(id: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? '';
}

/** The runtime context: `reference()` and `list*()` read real resources through the driver. */
export function runtimeContext(plan: DeploymentPlan, driver: ResourceDriver, copyIndex: number | undefined, variableCache: VariableCache): FunctionContext {
  const parameterValue = (name: string): JsonValue => {
    const key = Object.keys(plan.parameters).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key === undefined) throw new TemplateExpressionError(`The template parameter '${name}' is not found. Please see https://aka.ms/arm-syntax-parameters for usage details.`);
    return plan.parameters[key].value;
  };
  const inTemplate = (idOrName: string): PlannedResource | undefined => {
    const lower = idOrName.toLowerCase();
    return plan.resources.find((r) => r.id.toLowerCase() === lower) ?? plan.resources.find((r) => r.name.toLowerCase() === lower);
  };
  return baseContext(plan.scope, plan.template, parameterValue, copyIndex, variableCache, {
    async reference(idOrName, apiVersion, full) {
      const planned = inTemplate(idOrName);
      const id = planned?.id ?? idOrName;
      if (!id.startsWith('/')) throw new TemplateExpressionError(`The template resource '${idOrName}' is not found in the template; give reference() a resource id for resources deployed elsewhere.`);
      const version = apiVersion ?? planned?.apiVersion;
      if (version === undefined) throw new TemplateExpressionError(`The reference to '${id}' needs an api-version, because the resource is not deployed by this template.`);
      const resource = await driver.get(id, version);
      if (resource === undefined) {
        const type = planned?.type ?? id.split('/providers/').pop()!.split('/').filter((_, i) => i % 2 === 0).join('/');
        throw new ResourceFailure(404, {
          code: 'ResourceNotFound',
          message: `The Resource '${type}/${id.split('/').pop()}' under resource group '${resourceGroupOf(id)}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
        });
      }
      if (full) return resource;
      const properties = (resource as Record<string, JsonValue>).properties;
      return properties === undefined ? {} : properties;
    },
    list(action, id, apiVersion, body) {
      return driver.post(id, action, apiVersion, body);
    },
  });
}

/** The JSON body a provider receives: the template resource without the deployment-only keys. */
export async function resourceBody(resource: PlannedResource, ctx: FunctionContext): Promise<JsonValue> {
  const body = Object.fromEntries(Object.entries(resource.definition).filter(([key]) => !NON_BODY_KEYS.has(key.toLowerCase())));
  return evaluateValue(body, ctx);
}

function asErrorBody(error: unknown, resourceId: string): { status: number; body: ArmErrorBody } {
  if (error instanceof ResourceFailure) return { status: error.status, body: error.error };
  if (error instanceof TemplateExpressionError) {
    return {
      status: 400,
      body: { code: 'InvalidTemplate', message: `Unable to process template language expressions for resource '${resourceId}'. '${error.message}'` },
    };
  }
  return { status: 500, body: { code: 'InternalServerError', message: `The sandbox could not deploy '${resourceId}': ${(error as Error).message}` } };
}

function outputType(declared: string, value: JsonValue): boolean {
  const lower = declared.toLowerCase();
  if (lower === 'string' || lower === 'securestring') return typeof value === 'string';
  if (lower === 'int') return typeof value === 'number' && Number.isInteger(value);
  if (lower === 'bool') return typeof value === 'boolean';
  if (lower === 'array') return Array.isArray(value);
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Azure reports parameter and output types capitalised: String, Int, Bool, Object, Array, SecureString. */
export function displayType(type: string): string {
  const lower = type.toLowerCase();
  if (lower === 'securestring') return 'SecureString';
  if (lower === 'secureobject') return 'SecureObject';
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

async function evaluateOutputs(plan: DeploymentPlan, driver: ResourceDriver, variableCache: VariableCache): Promise<Record<string, { type: string; value: JsonValue }>> {
  const outputs: Record<string, { type: string; value: JsonValue }> = {};
  const ctx = runtimeContext(plan, driver, undefined, variableCache);
  for (const [name, definition] of Object.entries(plan.template.outputs ?? {})) {
    try {
      if (definition.condition !== undefined && (await evaluateValue(definition.condition, ctx)) === false) continue;
      if (definition.copy !== undefined) throw new TemplateExpressionError('Output copy loops are not supported by the local sandbox.');
      const value = await evaluateValue(definition.value, ctx);
      if (!outputType(definition.type, value)) throw new TemplateExpressionError(`The output is declared '${definition.type}' but its value is of type '${typeName(value)}'.`);
      if (!definition.type.toLowerCase().startsWith('secure')) outputs[name] = { type: displayType(definition.type), value };
    } catch (error) {
      const inner = asErrorBody(error, name).body;
      throw new ResourceFailure(400, {
        code: 'DeploymentOutputEvaluationFailed',
        message: `Unable to evaluate template outputs: '${name}'. Please see error details and deployment operations. Please see https://aka.ms/arm-common-errors for usage details.`,
        details: [{ code: inner.code, target: name, message: inner.message }],
      });
    }
  }
  return outputs;
}

/** Deploys the plan. Never throws: every failure ends in a Failed outcome with ARM's error body. */
export async function runDeployment(plan: DeploymentPlan, driver: ResourceDriver, hooks: RunHooks): Promise<DeploymentOutcome> {
  if (plan.unsupportedFunction !== undefined) {
    return {
      provisioningState: 'Failed',
      outputResources: [],
      error: {
        code: 'InvalidTemplate',
        message:
          `The template function '${plan.unsupportedFunction}' is valid in Azure Resource Manager but the local sandbox does not support it, ` +
          'so nothing was deployed. Deploy this template to Azure, or replace the function with one the sandbox supports (see the sandbox page of the course).',
      },
    };
  }
  const variableCache: VariableCache = new Map();
  const succeeded = new Set<string>();
  const failed = new Map<string, ArmErrorBody>();
  const started = new Set<string>();
  const running = new Map<string, Promise<void>>();

  const deployOne = async (resource: PlannedResource): Promise<void> => {
    const operation: DeploymentOperation = {
      operationId: hooks.newOperationId(),
      provisioningOperation: 'Create',
      provisioningState: 'Running',
      startedAt: hooks.now(),
      target: { id: resource.id, resourceType: resource.type, resourceName: resource.name, apiVersion: resource.apiVersion },
    };
    try {
      const body = await resourceBody(resource, runtimeContext(plan, driver, resource.copy?.index, variableCache));
      await hooks.onOperation({ ...operation });
      const { status } = await driver.put(resource.id, resource.apiVersion, body);
      operation.provisioningState = 'Succeeded';
      operation.statusCode = statusText(status === 202 ? 201 : status);
      succeeded.add(resource.id.toLowerCase());
    } catch (error) {
      const { status, body } = asErrorBody(error, resource.id);
      operation.provisioningState = 'Failed';
      operation.statusCode = statusText(status);
      operation.error = body;
      failed.set(resource.id.toLowerCase(), body);
    }
    operation.endedAt = hooks.now();
    await hooks.onOperation({ ...operation });
  };

  // Start every resource whose dependencies have all succeeded; wait for one to finish; repeat.
  for (;;) {
    for (const resource of plan.resources) {
      const key = resource.id.toLowerCase();
      if (started.has(key)) continue;
      if (!resource.dependsOn.every((d) => succeeded.has(d.toLowerCase()))) continue;
      started.add(key);
      running.set(key, deployOne(resource).finally(() => running.delete(key)));
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  const outputResources = plan.resources.filter((r) => succeeded.has(r.id.toLowerCase())).map((r) => r.id);
  if (failed.size > 0) {
    const details = [...failed.values()];
    const onlyTemplateErrors = details.every((d) => d.code === 'InvalidTemplate');
    return {
      provisioningState: 'Failed',
      outputResources,
      error: onlyTemplateErrors && details.length === 1 ? details[0] : { code: 'DeploymentFailed', message: DEPLOYMENT_FAILED_MESSAGE, details },
    };
  }
  const outputOperation: DeploymentOperation = {
    operationId: hooks.newOperationId(),
    provisioningOperation: 'EvaluateDeploymentOutput',
    provisioningState: 'Running',
    startedAt: hooks.now(),
  };
  try {
    const outputs = await evaluateOutputs(plan, driver, variableCache);
    await hooks.onOperation({ ...outputOperation, provisioningState: 'Succeeded', statusCode: 'OK', endedAt: hooks.now() });
    return { provisioningState: 'Succeeded', outputs, outputResources };
  } catch (error) {
    const { body } = asErrorBody(error, 'outputs');
    await hooks.onOperation({ ...outputOperation, provisioningState: 'Failed', statusCode: 'BadRequest', error: body, endedAt: hooks.now() });
    return { provisioningState: 'Failed', outputResources, error: body };
  }
}

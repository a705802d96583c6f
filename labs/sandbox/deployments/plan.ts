/**
 * Static validation of a deployment, as ARM does it before answering the PUT: parameters
 * (supplied values, defaults, types, allowed values, lengths), variables, resource names and
 * ids, `copy` loops, conditions and `dependsOn` (explicit, and implicit through `reference()` /
 * `list*()`), plus every function name. A failure here is `400 InvalidTemplate` and no
 * deployment is recorded. Isomorphic: no Node modules.
 */
import { functionNames, TemplateExpressionError, type Expr } from './expression.ts';
import { collectExpressions, evaluateExpression, evaluateString, evaluateValue, unknownFunctionMessage } from './evaluate.ts';
import { builtin, isAzureFunction, typeName, type FunctionContext, type JsonValue } from './functions.ts';

export interface TemplateResource {
  type: string;
  apiVersion: string;
  name: string;
  [key: string]: unknown;
}

export interface Template {
  $schema?: string;
  contentVersion?: string;
  languageVersion?: string;
  parameters?: Record<string, ParameterDefinition>;
  variables?: Record<string, unknown>;
  resources?: TemplateResource[];
  outputs?: Record<string, { type: string; value?: unknown; condition?: unknown; copy?: unknown }>;
  [key: string]: unknown;
}

export interface ParameterDefinition {
  type: string;
  defaultValue?: unknown;
  allowedValues?: unknown[];
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  metadata?: unknown;
}

/** Where the deployment runs. */
export interface DeploymentScope {
  subscriptionId: string;
  tenantId: string;
  resourceGroup: { id: string; name: string; location: string; tags?: Record<string, string> };
  deploymentName: string;
}

/** One resource instance, ready to be deployed once its dependencies are done. */
export interface PlannedResource {
  id: string;
  type: string;
  name: string;
  apiVersion: string;
  /** The template resource (expressions not yet evaluated). */
  definition: TemplateResource;
  copy?: { name: string; index: number };
  /** Ids of the planned resources this one waits for. */
  dependsOn: string[];
}

export interface DeploymentPlan {
  scope: DeploymentScope;
  template: Template;
  /** Parameter values after defaults, and their declared types. */
  parameters: Record<string, { type: string; value: JsonValue }>;
  resources: PlannedResource[];
  /** A function Azure knows that the sandbox cannot evaluate (the run fails before touching anything). */
  unsupportedFunction?: string;
}

/** ARM's `InvalidTemplate` validation failure (HTTP 400). */
export class TemplateValidationError extends Error {
  readonly code = 'InvalidTemplate';
  constructor(detail: string) {
    super(`Deployment template validation failed: '${detail}'.`);
  }
}

/** Template keys that describe the deployment rather than the resource body sent to the provider. */
export const NON_BODY_KEYS = new Set(['type', 'apiversion', 'name', 'dependson', 'copy', 'condition', 'comments', 'metadata', 'scope', 'resources']);

const PARAMETER_TYPES: Record<string, (v: JsonValue) => boolean> = {
  string: (v) => typeof v === 'string',
  securestring: (v) => typeof v === 'string',
  int: (v) => typeof v === 'number' && Number.isInteger(v),
  bool: (v) => typeof v === 'boolean',
  object: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  secureobject: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  array: (v) => Array.isArray(v),
};

export function resourceGroupObject(scope: DeploymentScope): JsonValue {
  const group = scope.resourceGroup;
  return {
    id: group.id,
    name: group.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: group.location,
    tags: group.tags ?? {},
    properties: { provisioningState: 'Succeeded' },
  };
}

export function subscriptionObject(scope: DeploymentScope): JsonValue {
  return {
    id: `/subscriptions/${scope.subscriptionId}`,
    subscriptionId: scope.subscriptionId,
    tenantId: scope.tenantId,
    displayName: 'Sandbox subscription',
  };
}

/** The pieces every evaluation context shares; `reference`/`list` differ between planning and running. */
export type VariableCache = Map<string, Promise<JsonValue>>;

export function baseContext(
  scope: DeploymentScope,
  template: Template,
  parameterValue: (name: string) => JsonValue,
  copyIndex: number | undefined,
  variableCache: VariableCache,
  overrides: Pick<FunctionContext, 'reference' | 'list'>,
  /** The variables whose values are being computed, outermost first (to catch circular references). */
  chain: string[] = [],
): FunctionContext {
  const ctx: FunctionContext = {
    parameter: parameterValue,
    async variable(name) {
      const key = Object.keys(template.variables ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
      if (key === undefined) throw new TemplateExpressionError(`The template variable '${name}' is not found. Please see https://aka.ms/arm-syntax-variables for usage details.`);
      if (chain.includes(key)) throw new TemplateExpressionError(`The template variable '${key}' refers to itself (a circular reference: ${[...chain, key].join(' → ')}).`);
      let pending = variableCache.get(key);
      if (pending === undefined) {
        pending = evaluateValue(template.variables![key], baseContext(scope, template, parameterValue, undefined, variableCache, overrides, [...chain, key]));
        variableCache.set(key, pending);
        pending.catch(() => variableCache.delete(key));
      }
      return pending;
    },
    copyIndex(loopName) {
      if (copyIndex === undefined) throw new TemplateExpressionError(`The template function 'copyIndex' is not expected at this location${loopName ? ` (loop '${loopName}')` : ''}. It may only be used in a resource with a 'copy' property.`);
      return copyIndex;
    },
    subscription: () => subscriptionObject(scope),
    resourceGroup: () => resourceGroupObject(scope),
    deployment: () => ({ name: scope.deploymentName, properties: { mode: 'Incremental', provisioningState: 'Accepted' } }),
    subscriptionId: () => scope.subscriptionId,
    resourceGroupName: () => scope.resourceGroup.name,
    reference: overrides.reference,
    list: overrides.list,
  };
  return ctx;
}

const notAtThisLocation = (fn: string) => () => {
  throw new TemplateExpressionError(`The template function '${fn}' is not expected at this location. It can be used in resource properties and outputs only. Please see https://aka.ms/arm-functions for usage details.`);
};

/** Planning-time context: no resource may be read yet. */
export const planningOverrides: Pick<FunctionContext, 'reference' | 'list'> = {
  reference: notAtThisLocation('reference'),
  list: notAtThisLocation('list*'),
};

function findKey(record: Record<string, unknown>, name: string): string | undefined {
  return Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
}

function describeValue(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Supplied `{ name: { value } }` merged with defaults and checked against the definitions. */
async function resolveParameters(
  template: Template,
  supplied: Record<string, { value?: unknown; reference?: unknown }>,
  scope: DeploymentScope,
): Promise<Record<string, { type: string; value: JsonValue }>> {
  const definitions = template.parameters ?? {};
  const unknown = Object.keys(supplied).filter((name) => findKey(definitions, name) === undefined);
  if (unknown.length > 0) {
    throw new TemplateValidationError(
      `The template parameters '${unknown.join(', ')}' in the parameters file are not valid; they are not present in the original template and can therefore not be provided at deployment time. ` +
        `The only supported parameters for this template are '${Object.keys(definitions).join(', ')}'. Please see https://aka.ms/arm-pass-parameter-values for usage details.`,
    );
  }
  const resolved: Record<string, { type: string; value: JsonValue }> = {};
  const variableCache: VariableCache = new Map();
  const parameterValue = (name: string): JsonValue => {
    const key = findKey(definitions, name);
    if (key === undefined) throw new TemplateExpressionError(`The template parameter '${name}' is not found. Please see https://aka.ms/arm-syntax-parameters for usage details.`);
    if (resolved[key] === undefined) throw new TemplateExpressionError(`The default value of a template parameter refers to parameter '${key}', which is declared after it.`);
    return resolved[key].value;
  };
  for (const [name, definition] of Object.entries(definitions)) {
    const type = String(definition.type ?? '').toLowerCase();
    const check = PARAMETER_TYPES[type];
    if (check === undefined) throw new TemplateValidationError(`The template parameter '${name}' has the type '${definition.type}', which is not one of string, securestring, int, bool, object, secureObject, array`);
    const suppliedKey = findKey(supplied, name);
    let value: JsonValue;
    if (suppliedKey !== undefined) {
      const entry = supplied[suppliedKey];
      if (entry === null || typeof entry !== 'object' || !('value' in entry)) {
        throw new TemplateValidationError(`The value of the template parameter '${name}' must be given as { "value": ... }; Key Vault references are not supported by the local sandbox`);
      }
      value = entry.value as JsonValue;
    } else if ('defaultValue' in definition) {
      try {
        value = await evaluateValue(definition.defaultValue, baseContext(scope, template, parameterValue, undefined, variableCache, planningOverrides));
      } catch (error) {
        throw new TemplateValidationError(`The default value of the template parameter '${name}' could not be evaluated: ${(error as Error).message}`);
      }
    } else {
      throw new TemplateValidationError(`The value for the template parameter '${name}' is not provided. Please see https://aka.ms/arm-create-parameter-file for usage details`);
    }
    if (!check(value)) {
      throw new TemplateValidationError(`Template parameter JToken type is not valid. Expected '${definition.type}'. Actual '${typeName(value)}'. The parameter is '${name}'. Please see https://aka.ms/arm-create-parameter-file for usage details`);
    }
    if (Array.isArray(definition.allowedValues) && !definition.allowedValues.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
      throw new TemplateValidationError(
        `The provided value '${describeValue(value)}' for the template parameter '${name}' is not valid. The parameter value is not part of the allowed value(s): '${definition.allowedValues.map((v) => describeValue(v as JsonValue)).join(',')}'`,
      );
    }
    const length = typeof value === 'string' || Array.isArray(value) ? value.length : undefined;
    if (length !== undefined && definition.minLength !== undefined && length < definition.minLength) {
      throw new TemplateValidationError(`The provided value for the template parameter '${name}' is not valid. Length of the value should be greater than or equal to '${definition.minLength}'`);
    }
    if (length !== undefined && definition.maxLength !== undefined && length > definition.maxLength) {
      throw new TemplateValidationError(`The provided value for the template parameter '${name}' is not valid. Length of the value should be less than or equal to '${definition.maxLength}'`);
    }
    if (typeof value === 'number' && definition.minValue !== undefined && value < definition.minValue) {
      throw new TemplateValidationError(`The provided value '${value}' for the template parameter '${name}' is not valid. The value should be greater than or equal to '${definition.minValue}'`);
    }
    if (typeof value === 'number' && definition.maxValue !== undefined && value > definition.maxValue) {
      throw new TemplateValidationError(`The provided value '${value}' for the template parameter '${name}' is not valid. The value should be less than or equal to '${definition.maxValue}'`);
    }
    resolved[name] = { type: definition.type, value };
  }
  return resolved;
}

/** `/subscriptions/s/resourceGroups/g/providers/Ns/a/n1/b/n2` for type `Ns/a/b` and name `n1/n2`. */
export function resourceIdFor(scope: DeploymentScope, type: string, name: string, extensionScope?: string): string {
  const typeParts = type.split('/');
  const nameParts = name.split('/');
  if (typeParts.length !== nameParts.length + 1) {
    throw new TemplateValidationError(
      `The template resource '${name}' for type '${type}' has incorrect segment lengths. A nested resource type must have identical number of segments as its resource name. A root resource type must have segment length one greater than its resource name`,
    );
  }
  const path = typeParts.slice(1).map((segment, i) => `${segment}/${nameParts[i]}`).join('/');
  let base = scope.resourceGroup.id;
  if (extensionScope !== undefined && extensionScope !== '') {
    base = extensionScope.startsWith('/') ? extensionScope.replace(/\/+$/, '') : `${scope.resourceGroup.id}/providers/${extensionScope.replace(/\/+$/, '')}`;
  }
  return `${base}/providers/${typeParts[0]}/${path}`;
}

function checkFunctionNames(template: Template): string | undefined {
  let unsupported: string | undefined;
  let expressions: Expr[];
  try {
    expressions = collectExpressions({ p: template.parameters, v: template.variables, r: template.resources, o: template.outputs });
  } catch (error) {
    throw new TemplateValidationError(`The template language expression is not valid: ${(error as Error).message}`);
  }
  for (const name of expressions.flatMap(functionNames)) {
    if (['if', 'and', 'or'].includes(name.toLowerCase()) || builtin(name) !== undefined) continue;
    if (!isAzureFunction(name)) throw new TemplateValidationError(unknownFunctionMessage(name));
    unsupported ??= name;
  }
  return unsupported;
}

/** Ids that `reference(...)`/`list*(...)` calls in a resource's body point at, when they can be known up front. */
async function implicitReferences(definition: TemplateResource, ctx: FunctionContext): Promise<string[]> {
  const body = Object.fromEntries(Object.entries(definition).filter(([key]) => !NON_BODY_KEYS.has(key.toLowerCase())));
  const calls: Expr[] = [];
  const visit = (expr: Expr): void => {
    if (expr.kind === 'call') {
      const lower = expr.name.toLowerCase();
      if ((lower === 'reference' || lower.startsWith('list')) && expr.args.length > 0) calls.push(expr.args[0]);
      expr.args.forEach(visit);
    } else if (expr.kind === 'property') visit(expr.target);
    else if (expr.kind === 'index') {
      visit(expr.target);
      visit(expr.index);
    }
  };
  collectExpressions(body).forEach(visit);
  const ids: string[] = [];
  for (const arg of calls) {
    try {
      const value = await evaluateExpression(arg, ctx);
      if (typeof value === 'string') ids.push(value);
    } catch {
      // Not knowable before the deployment runs; ARM then relies on the explicit dependsOn.
    }
  }
  return ids;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Validates the template against the supplied parameters and returns the resources to deploy, in dependency order. */
export async function planDeployment(template: Template, supplied: Record<string, { value?: unknown }>, scope: DeploymentScope): Promise<DeploymentPlan> {
  if (template === null || typeof template !== 'object' || Array.isArray(template)) throw new TemplateValidationError('The request content has no template object');
  if (template.languageVersion !== undefined) {
    throw new TemplateValidationError(`Templates with languageVersion '${String(template.languageVersion)}' (symbolic resource names) are not supported by the local sandbox; build the Bicep file without symbolic names`);
  }
  if (template.resources !== undefined && !Array.isArray(template.resources)) throw new TemplateValidationError("The template 'resources' property must be an array");
  const unsupportedFunction = checkFunctionNames(template);
  // The run fails before touching anything, so there is nothing to plan (and it may not be plannable).
  if (unsupportedFunction !== undefined) return { scope, template, parameters: {}, resources: [], unsupportedFunction };
  const parameters = await resolveParameters(template, supplied, scope);
  const parameterValue = (name: string): JsonValue => {
    const key = findKey(parameters, name);
    if (key === undefined) throw new TemplateExpressionError(`The template parameter '${name}' is not found. Please see https://aka.ms/arm-syntax-parameters for usage details.`);
    return parameters[key].value;
  };
  const variableCache: VariableCache = new Map();
  const planningContext = (copyIndex?: number) => baseContext(scope, template, parameterValue, copyIndex, variableCache, planningOverrides);

  const planned: PlannedResource[] = [];
  const loops = new Map<string, string[]>();
  const rawDependsOn = new Map<PlannedResource, unknown[]>();
  for (const [position, definition] of asArray(template.resources).entries()) {
    const label = `resource ${position + 1}`;
    if (definition === null || typeof definition !== 'object') throw new TemplateValidationError(`The template ${label} is not an object`);
    const resource = definition as TemplateResource;
    for (const key of ['type', 'apiVersion', 'name'] as const) {
      if (typeof resource[key] !== 'string' || resource[key] === '') throw new TemplateValidationError(`The template ${label} has no '${key}'`);
    }
    if (resource.resources !== undefined) throw new TemplateValidationError(`The template ${label} ('${resource.type}') nests child resources, which the local sandbox does not support; declare them as top-level resources`);
    const copy = resource.copy as { name?: unknown; count?: unknown; mode?: unknown; batchSize?: unknown } | undefined;
    let count = 1;
    if (copy !== undefined) {
      if (typeof copy.name !== 'string') throw new TemplateValidationError(`The copy loop of the template ${label} has no 'name'`);
      try {
        const value = await evaluateValue(copy.count, planningContext());
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 800) throw new Error(`the count must be an integer from 0 to 800, got ${JSON.stringify(value)}`);
        count = value;
      } catch (error) {
        throw new TemplateValidationError(`The copy count of loop '${copy.name}' could not be evaluated: ${(error as Error).message}`);
      }
      loops.set(copy.name.toLowerCase(), []);
    }
    let previousInLoop: PlannedResource | undefined;
    for (let index = 0; index < count; index += 1) {
      const ctx = planningContext(copy === undefined ? undefined : index);
      let name: JsonValue;
      let condition: JsonValue = true;
      let extensionScope: JsonValue = null;
      try {
        name = await evaluateString(resource.name, ctx);
        if (resource.condition !== undefined) condition = await evaluateValue(resource.condition, ctx);
        if (resource.scope !== undefined) extensionScope = await evaluateValue(resource.scope, ctx);
      } catch (error) {
        throw new TemplateValidationError(`Unable to process template language expressions for ${label} ('${resource.type}'). ${(error as Error).message}`);
      }
      if (typeof name !== 'string') throw new TemplateValidationError(`The name of the template ${label} must be a string`);
      if (condition === false) continue;
      const id = resourceIdFor(scope, resource.type, name, typeof extensionScope === 'string' ? extensionScope : undefined);
      if (planned.some((p) => p.id.toLowerCase() === id.toLowerCase())) {
        throw new TemplateValidationError(`The resource '${id}' is defined multiple times in a template. Please see https://aka.ms/arm-syntax-resources for usage details`);
      }
      const entry: PlannedResource = { id, type: resource.type, name, apiVersion: resource.apiVersion, definition: resource, dependsOn: [] };
      if (copy !== undefined) {
        entry.copy = { name: copy.name as string, index };
        loops.get((copy.name as string).toLowerCase())!.push(id);
        const serial = String(copy.mode ?? '').toLowerCase() === 'serial';
        if (serial && previousInLoop !== undefined) entry.dependsOn.push(previousInLoop.id);
        previousInLoop = entry;
      }
      let explicit: unknown[] = [];
      try {
        explicit = asArray(await evaluateValue(resource.dependsOn ?? [], ctx));
      } catch (error) {
        throw new TemplateValidationError(`Unable to process the dependsOn of '${id}'. ${(error as Error).message}`);
      }
      rawDependsOn.set(entry, [...explicit, ...(await implicitReferences(resource, ctx))]);
      planned.push(entry);
    }
  }

  const byId = new Map(planned.map((p) => [p.id.toLowerCase(), p]));
  const resolveDependency = (target: string, from: PlannedResource, explicit: boolean): string[] => {
    const lower = target.toLowerCase();
    if (byId.has(lower)) return [byId.get(lower)!.id];
    if (loops.has(lower)) return loops.get(lower)!;
    const byName = planned.filter((p) => p.name.toLowerCase() === lower || `${p.type}/${p.name}`.toLowerCase() === lower);
    if (byName.length > 0) return byName.map((p) => p.id);
    if (explicit) throw new TemplateValidationError(`The resource '${target}' is not defined in the template (it is listed in the dependsOn of '${from.id}'). Please see https://aka.ms/arm-syntax for usage details`);
    return [];
  };
  for (const entry of planned) {
    const raw = rawDependsOn.get(entry)!;
    const explicitCount = asArray(entry.definition.dependsOn).length;
    raw.forEach((target, i) => {
      if (typeof target !== 'string') throw new TemplateValidationError(`The dependsOn of '${entry.id}' must list strings`);
      for (const id of resolveDependency(target, entry, i < explicitCount)) {
        if (id.toLowerCase() !== entry.id.toLowerCase() && !entry.dependsOn.includes(id)) entry.dependsOn.push(id);
      }
    });
  }
  return { scope, template, parameters, resources: orderByDependencies(planned), unsupportedFunction };
}

/** Topological order (stable: template order among ready resources); a cycle is `InvalidTemplate`. */
export function orderByDependencies(resources: PlannedResource[]): PlannedResource[] {
  const done = new Set<string>();
  const ordered: PlannedResource[] = [];
  let remaining = [...resources];
  while (remaining.length > 0) {
    const ready = remaining.filter((r) => r.dependsOn.every((d) => done.has(d.toLowerCase())));
    if (ready.length === 0) {
      throw new TemplateValidationError(`Circular dependency detected on resource: '${remaining.map((r) => r.id).join("', '")}'. Please see https://aka.ms/arm-syntax-resources for usage details`);
    }
    for (const r of ready) {
      done.add(r.id.toLowerCase());
      ordered.push(r);
    }
    remaining = remaining.filter((r) => !ready.includes(r));
  }
  return ordered;
}

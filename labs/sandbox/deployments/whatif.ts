/**
 * What-if: what a deployment would change, without changing anything. Each planned resource is
 * compared with what exists: `Create` when it does not exist, `NoChange` when every property the
 * template sets already has that value, `Modify` (with the property paths) otherwise. Values that
 * depend on resources not created yet stay as their `[...]` expression, as Azure shows them.
 * Properties a provider never returns (secrets, import documents) cannot be compared and are
 * left out of the comparison. Isomorphic: no Node modules.
 */
import { classifyString } from './expression.ts';
import { evaluateString, evaluateValue } from './evaluate.ts';
import { getProperty, type FunctionContext, type JsonValue } from './functions.ts';
import { NON_BODY_KEYS, type DeploymentPlan, type PlannedResource } from './plan.ts';
import { runtimeContext, type ResourceDriver } from './run.ts';

export interface WhatIfPropertyChange {
  path: string;
  propertyChangeType: 'Create' | 'Modify';
  before?: JsonValue;
  after: JsonValue;
}

export interface WhatIfChange {
  resourceId: string;
  changeType: 'Create' | 'Modify' | 'NoChange';
  before?: JsonValue;
  after: JsonValue;
  delta?: WhatIfPropertyChange[];
}

/** An expression that cannot be evaluated yet (it reads a resource not created) stays as its text. */
async function evaluateLeniently(text: string, ctx: FunctionContext): Promise<JsonValue> {
  try {
    return await evaluateString(text, ctx);
  } catch {
    return text;
  }
}

function isUnresolved(value: JsonValue): boolean {
  return typeof value === 'string' && classifyString(value).kind === 'expression';
}

function sameLocation(a: JsonValue, b: JsonValue): boolean {
  const norm = (v: JsonValue) => String(v).replace(/\s+/g, '').toLowerCase();
  return norm(a) === norm(b);
}

/** `/apis/openai` and the full id APIM answers with (`/subscriptions/.../service/x/apis/openai`) name the same entity. */
function sameReference(after: string, before: string): boolean {
  const [a, b] = [after.toLowerCase(), before.toLowerCase()];
  return a.startsWith('/') && b.startsWith('/subscriptions/') && (a === b || (b.endsWith(a) && b.slice(0, b.length - a.length).includes('/providers/')));
}

/** Leaf differences between what the template sets and what exists (keys absent on the existing side are not compared). */
function differences(after: JsonValue, before: JsonValue, path: string, out: WhatIfPropertyChange[]): void {
  if (isUnresolved(after)) return;
  if (after !== null && typeof after === 'object' && !Array.isArray(after)) {
    for (const [key, value] of Object.entries(after)) {
      const existing = getProperty(before, key);
      if (existing === undefined) continue;
      differences(value, existing, path === '' ? key : `${path}.${key}`, out);
    }
    return;
  }
  if (path === 'location' ? sameLocation(after, before) : JSON.stringify(after) === JSON.stringify(before)) return;
  if (typeof after === 'string' && typeof before === 'string' && /^\{\{.+\}\}$/.test(before)) return; // a secret kept as a named value
  if (typeof after === 'string' && typeof before === 'string' && sameReference(after, before)) return;
  out.push({ path, propertyChangeType: 'Modify', before, after });
}

async function changeFor(plan: DeploymentPlan, resource: PlannedResource, driver: ResourceDriver): Promise<WhatIfChange> {
  const ctx = runtimeContext(plan, driver, resource.copy?.index, new Map());
  const body = Object.fromEntries(Object.entries(resource.definition).filter(([key]) => !NON_BODY_KEYS.has(key.toLowerCase())));
  const evaluated = (await evaluateValue(body, ctx, evaluateLeniently)) as Record<string, JsonValue>;
  const after: JsonValue = { id: resource.id, name: resource.name.split('/').pop() ?? resource.name, type: resource.type, apiVersion: resource.apiVersion, ...evaluated };
  const before = await driver.get(resource.id, resource.apiVersion);
  if (before === undefined) return { resourceId: resource.id, changeType: 'Create', after };
  const delta: WhatIfPropertyChange[] = [];
  differences(evaluated, before, '', delta);
  return delta.length === 0
    ? { resourceId: resource.id, changeType: 'NoChange', before, after }
    : { resourceId: resource.id, changeType: 'Modify', before, after, delta };
}

export async function whatIf(plan: DeploymentPlan, driver: ResourceDriver): Promise<WhatIfChange[]> {
  const changes: WhatIfChange[] = [];
  for (const resource of plan.resources) changes.push(await changeFor(plan, resource, driver));
  return changes;
}

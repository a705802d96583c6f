/**
 * Soft-delete, as APIM and Cognitive Services do it: a deleted service or account (directly or
 * with its resource group) is kept for 48 hours under `deletedservices` / `deletedAccounts`,
 * holds its name until purged, and can be restored with a PUT that sets `properties.restore`.
 * Routes: list, get and purge of the deleted entries.
 */
import type { SandboxResponse } from '../core/exchange.ts';
import { jsonResponse } from '../core/exchange.ts';
import { type ArmResource, resourceKey } from '../core/resources.ts';
import type { DeletedEntry, OperationRecord, StoredState } from '../store.ts';
import { apimApi, cognitiveApi } from './api-versions.ts';
import type { ArmContext } from './context.ts';
import { ArmError } from './errors.ts';
import { locationHeaders, recordOperation } from './lro.ts';
import type { Route } from './router.ts';

const RETENTION_MS = 48 * 3600_000;
export const APIM_TYPE = 'Microsoft.ApiManagement/service';
export const ACCOUNT_TYPE = 'Microsoft.CognitiveServices/accounts';

/** Removes a resource and everything below it from the state; returns what was removed. */
export function detachTree(state: StoredState, id: string): { resource: ArmResource | undefined; children: ArmResource[] } {
  const key = resourceKey(id);
  const resource = state.resources[key];
  const children: ArmResource[] = [];
  for (const [childKey, child] of Object.entries(state.resources)) {
    if (childKey.startsWith(`${key}/`)) {
      children.push(child);
      delete state.resources[childKey];
      delete state.pending[childKey];
    }
  }
  delete state.resources[key];
  delete state.pending[key];
  return { resource, children };
}

function resourceGroupOf(id: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? '';
}

function subscriptionOf(id: string): string {
  return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? '';
}

export function deletedApimKey(name: string): string {
  return `apim:${name.toLowerCase()}`;
}

export function deletedAccountKey(subscriptionId: string, location: string, resourceGroup: string, name: string): string {
  return `cognitive:${subscriptionId}:${location}:${resourceGroup}:${name}`.toLowerCase();
}

/** Deletes `id` and its children; APIM services and Cognitive Services accounts are kept as soft-deleted. */
export function deleteTree(ctx: ArmContext, state: StoredState, id: string): void {
  const { resource, children } = detachTree(state, id);
  const all = resource === undefined ? children : [resource, ...children];
  for (const item of all) {
    const type = item.type.toLowerCase();
    if (type !== APIM_TYPE.toLowerCase() && type !== ACCOUNT_TYPE.toLowerCase()) continue;
    const prefix = `${resourceKey(item.id)}/`;
    const entry: DeletedEntry = {
      kind: type === APIM_TYPE.toLowerCase() ? 'apim' : 'cognitive',
      name: item.name,
      location: (item.location ?? '').replace(/\s+/g, '').toLowerCase(),
      resourceGroup: resourceGroupOf(item.id),
      deletionDate: new Date(ctx.now()).toISOString(),
      scheduledPurgeDate: new Date(ctx.now() + RETENTION_MS).toISOString(),
      resource: item,
      children: all.filter((child) => resourceKey(child.id).startsWith(prefix)),
    };
    const key = entry.kind === 'apim'
      ? deletedApimKey(item.name)
      : deletedAccountKey(subscriptionOf(item.id), entry.location, entry.resourceGroup, item.name);
    state.deleted[key] = entry;
  }
}

/** Puts a soft-deleted resource and its children back (PUT with `properties.restore: true`). */
export function restoreDeleted(ctx: ArmContext, key: string, transitionalState: string): { entry: DeletedEntry; op: OperationRecord } | undefined {
  const entry = ctx.store.deletedEntry(key);
  if (entry === undefined) return undefined;
  const op = ctx.store.update((state) => {
    delete state.deleted[key];
    for (const item of [entry.resource, ...entry.children]) state.resources[resourceKey(item.id)] = item;
    return recordOperation(ctx, state, entry.resource.id, 'put', transitionalState);
  });
  return { entry, op };
}

/** Soft-deleted entries past their purge date disappear. */
export function expireDeleted(ctx: ArmContext, state: StoredState): void {
  for (const [key, entry] of Object.entries(state.deleted)) {
    if (Date.parse(entry.scheduledPurgeDate) <= ctx.now()) delete state.deleted[key];
  }
}

function liveEntries(ctx: ArmContext, kind: DeletedEntry['kind'], subscriptionId: string): DeletedEntry[] {
  return ctx.store.deletedEntries().filter((entry) =>
    entry.kind === kind &&
    subscriptionOf(entry.resource.id).toLowerCase() === subscriptionId.toLowerCase() &&
    Date.parse(entry.scheduledPurgeDate) > ctx.now());
}

function deletedServiceBody(subscriptionId: string, entry: DeletedEntry): Record<string, unknown> {
  return {
    id: `/subscriptions/${subscriptionId}/providers/Microsoft.ApiManagement/locations/${entry.location}/deletedservices/${entry.name}`,
    name: entry.name,
    type: 'Microsoft.ApiManagement/deletedservices',
    location: entry.resource.location,
    properties: {
      serviceId: entry.resource.id,
      scheduledPurgeDate: entry.scheduledPurgeDate,
      deletionDate: entry.deletionDate,
    },
  };
}

function deletedAccountBody(subscriptionId: string, entry: DeletedEntry): Record<string, unknown> {
  const { secrets: _secrets, ...account } = entry.resource;
  return {
    ...account,
    id: `/subscriptions/${subscriptionId}/providers/Microsoft.CognitiveServices/locations/${entry.location}/resourceGroups/${entry.resourceGroup}/deletedAccounts/${entry.name}`,
    type: 'Microsoft.CognitiveServices/deletedAccounts',
    properties: { ...entry.resource.properties, deletionDate: entry.deletionDate, scheduledPurgeDate: entry.scheduledPurgeDate },
  };
}

function purge(ctx: ArmContext, key: string, anchorId: string): SandboxResponse {
  const op = ctx.store.update((state) => {
    delete state.deleted[key];
    return recordOperation(ctx, state, anchorId, 'purge');
  });
  return { status: 202, headers: locationHeaders(ctx, anchorId, op), body: '' };
}

function findEntry(ctx: ArmContext, key: string, what: string): DeletedEntry {
  const entry = ctx.store.deletedEntry(key);
  if (entry === undefined || Date.parse(entry.scheduledPurgeDate) <= ctx.now()) {
    throw new ArmError(404, 'ResourceNotFound', `${what} was not found among the soft-deleted resources (they are kept for 48 hours).`);
  }
  return entry;
}

const apimBase = '/subscriptions/{subscriptionId}/providers/Microsoft.ApiManagement';
const cognitiveBase = '/subscriptions/{subscriptionId}/providers/Microsoft.CognitiveServices';

export const softDeleteRoutes: Route<ArmContext>[] = [
  {
    methods: ['GET'],
    pattern: `${apimBase}/deletedservices`,
    versions: apimApi,
    handle: (ctx, p) =>
      jsonResponse(200, { value: liveEntries(ctx, 'apim', p.subscriptionId).map((e) => deletedServiceBody(p.subscriptionId, e)) }),
  },
  {
    methods: ['GET', 'DELETE'],
    pattern: `${apimBase}/locations/{location}/deletedservices/{serviceName}`,
    versions: apimApi,
    handle: (ctx, p) => {
      const key = deletedApimKey(p.serviceName);
      const entry = findEntry(ctx, key, `Deleted API Management service '${p.serviceName}'`);
      if (entry.location.toLowerCase() !== p.location.replace(/\s+/g, '').toLowerCase()) {
        throw new ArmError(404, 'ResourceNotFound', `Deleted API Management service '${p.serviceName}' is not in location '${p.location}' (it is in '${entry.location}').`);
      }
      if (ctx.req.method === 'GET') return jsonResponse(200, deletedServiceBody(p.subscriptionId, entry));
      return purge(ctx, key, `/subscriptions/${p.subscriptionId}/providers/Microsoft.ApiManagement/locations/${entry.location}/deletedservices/${entry.name}`);
    },
  },
  {
    methods: ['GET'],
    pattern: `${cognitiveBase}/deletedAccounts`,
    versions: cognitiveApi,
    handle: (ctx, p) =>
      jsonResponse(200, { value: liveEntries(ctx, 'cognitive', p.subscriptionId).map((e) => deletedAccountBody(p.subscriptionId, e)) }),
  },
  {
    methods: ['GET', 'DELETE'],
    pattern: `${cognitiveBase}/locations/{location}/resourceGroups/{resourceGroupName}/deletedAccounts/{accountName}`,
    versions: cognitiveApi,
    handle: (ctx, p) => {
      const key = deletedAccountKey(p.subscriptionId, p.location.replace(/\s+/g, ''), p.resourceGroupName, p.accountName);
      const entry = findEntry(ctx, key, `Deleted account '${p.accountName}'`);
      if (ctx.req.method === 'GET') return jsonResponse(200, deletedAccountBody(p.subscriptionId, entry));
      return purge(ctx, key, `/subscriptions/${p.subscriptionId}/providers/Microsoft.CognitiveServices/locations/${entry.location}/resourceGroups/${entry.resourceGroup}/deletedAccounts/${entry.name}`);
    },
  },
];

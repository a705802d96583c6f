/**
 * Resource groups (`Microsoft.Resources/resourceGroups`): PUT (sync 200/201), GET, HEAD, list,
 * and DELETE as a long-running operation that deletes everything inside (APIM services and
 * Cognitive Services accounts go to soft-delete, as on Azure). Also `GET /subscriptions/{id}`.
 */
import { jsonResponse, type SandboxResponse } from '../core/exchange.ts';
import { type ArmResource, resourceKey } from '../core/resources.ts';
import { resourcesApi, subscriptionsApi } from './api-versions.ts';
import type { ArmContext } from './context.ts';
import { ArmError, resourceGroupNotFound } from './errors.ts';
import { normalizeLocation } from './locations.ts';
import { locationHeaders, recordOperation } from './lro.ts';
import { checkResourceGroupName, checkSubscriptionId } from './names.ts';
import type { Route, RouteParams } from './router.ts';
import { listResponse, readBody, resourceGroupId, resourceResponse, tagsOf, toWire } from './shape.ts';
import { deleteTree, expireDeleted } from './soft-delete.ts';

const TYPE = 'Microsoft.Resources/resourceGroups';

function putGroup(ctx: ArmContext, p: RouteParams): SandboxResponse {
  checkSubscriptionId(p.subscriptionId);
  checkResourceGroupName(p.resourceGroupName);
  const body = readBody(ctx);
  const location = normalizeLocation(body.location);
  const tags = tagsOf(body);
  const existing = ctx.store.get(resourceGroupId(p.subscriptionId, p.resourceGroupName));
  if (existing !== undefined && existing.location !== location) {
    throw new ArmError(
      409,
      'InvalidResourceGroupLocation',
      `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`,
    );
  }
  const group: ArmResource = {
    id: existing?.id ?? resourceGroupId(p.subscriptionId, p.resourceGroupName),
    name: existing?.name ?? p.resourceGroupName,
    type: TYPE,
    location,
    ...(tags !== undefined ? { tags } : existing?.tags !== undefined ? { tags: existing.tags } : {}),
    properties: { provisioningState: 'Succeeded' },
  };
  ctx.store.update((state) => {
    state.resources[resourceKey(group.id)] = group;
  });
  return resourceResponse(existing === undefined ? 201 : 200, group);
}

function getGroup(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const group = ctx.store.get(resourceGroupId(p.subscriptionId, p.resourceGroupName));
  if (ctx.req.method === 'HEAD') return { status: group === undefined ? 404 : 204, headers: {}, body: '' };
  if (group === undefined) throw resourceGroupNotFound(p.resourceGroupName);
  return jsonResponse(200, toWire(group));
}

function patchGroup(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const group = ctx.store.get(resourceGroupId(p.subscriptionId, p.resourceGroupName));
  if (group === undefined) throw resourceGroupNotFound(p.resourceGroupName);
  const tags = tagsOf(readBody(ctx));
  const updated: ArmResource = { ...group, ...(tags !== undefined ? { tags } : {}) };
  ctx.store.update((state) => {
    state.resources[resourceKey(group.id)] = updated;
  });
  return jsonResponse(200, toWire(updated));
}

function deleteGroup(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const group = ctx.store.get(resourceGroupId(p.subscriptionId, p.resourceGroupName));
  if (group === undefined) throw resourceGroupNotFound(p.resourceGroupName);
  const op = ctx.store.update((state) => {
    expireDeleted(ctx, state);
    deleteTree(ctx, state, group.id);
    return recordOperation(ctx, state, group.id, 'delete');
  });
  return { status: 202, headers: locationHeaders(ctx, `/subscriptions/${p.subscriptionId}`, op), body: '' };
}

function listGroups(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const prefix = `/subscriptions/${p.subscriptionId}/resourcegroups/`.toLowerCase();
  return listResponse(ctx.store.ofType(TYPE).filter((group) => resourceKey(group.id).startsWith(prefix)));
}

function getSubscription(ctx: ArmContext, p: RouteParams): SandboxResponse {
  checkSubscriptionId(p.subscriptionId);
  return jsonResponse(200, {
    id: `/subscriptions/${p.subscriptionId}`,
    subscriptionId: p.subscriptionId,
    tenantId: ctx.store.tenantId,
    displayName: 'Local sandbox subscription',
    state: 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'Sandbox', spendingLimit: 'Off' },
    authorizationSource: 'RoleBased',
  });
}

const base = '/subscriptions/{subscriptionId}/resourcegroups';

export const resourceGroupRoutes: Route<ArmContext>[] = [
  { methods: ['GET'], pattern: '/subscriptions/{subscriptionId}', versions: subscriptionsApi, handle: getSubscription },
  { methods: ['GET'], pattern: base, versions: resourcesApi, handle: listGroups },
  { methods: ['PUT'], pattern: `${base}/{resourceGroupName}`, versions: resourcesApi, handle: putGroup },
  { methods: ['GET', 'HEAD'], pattern: `${base}/{resourceGroupName}`, versions: resourcesApi, handle: getGroup },
  { methods: ['PATCH'], pattern: `${base}/{resourceGroupName}`, versions: resourcesApi, handle: patchGroup },
  { methods: ['DELETE'], pattern: `${base}/{resourceGroupName}`, versions: resourcesApi, handle: deleteGroup },
];

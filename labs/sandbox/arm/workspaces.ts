/**
 * `Microsoft.OperationalInsights/workspaces` (Log Analytics): PUT as a long-running operation whose
 * body already carries `customerId` (the Workspace ID the Logs query API takes), GET, list, DELETE.
 */
import { randomUUID } from 'node:crypto';
import { type SandboxResponse } from '../core/exchange.ts';
import { type ArmResource, resourceKey } from '../core/resources.ts';
import { workspacesApi } from './api-versions.ts';
import type { ArmContext } from './context.ts';
import { ArmError, resourceNotFound } from './errors.ts';
import { normalizeLocation } from './locations.ts';
import { asyncHeaders, longRunningDelete, recordOperation } from './lro.ts';
import { checkName, nameRules } from './names.ts';
import type { Route, RouteParams } from './router.ts';
import { type Json, listInGroup, newEtag, propertiesOf, readBody, requireResourceGroup, resourceResponse, systemData, tagsOf } from './shape.ts';
import { detachTree } from './soft-delete.ts';

export const WORKSPACE_TYPE = 'Microsoft.OperationalInsights/workspaces';
const skus = ['Free', 'Standard', 'Premium', 'PerNode', 'PerGB2018', 'Standalone', 'CapacityReservation', 'LACluster'];

function workspaceId(group: ArmResource, name: string): string {
  return `${group.id}/providers/${WORKSPACE_TYPE}/${name}`;
}

function validate(properties: Json): { sku: string; retentionInDays: number } {
  const skuName = ((properties.sku ?? { name: 'PerGB2018' }) as Json).name;
  const sku = skus.find((s) => s.toLowerCase() === String(skuName).toLowerCase());
  if (sku === undefined) throw new ArmError(400, 'InvalidParameter', `The workspace SKU '${String(skuName)}' is not valid. Use one of: ${skus.join(', ')} (PerGB2018 is the usual one).`);
  const retention = properties.retentionInDays ?? (sku === 'Free' ? 7 : 30);
  if (typeof retention !== 'number' || !Number.isInteger(retention) || retention < (sku === 'Free' ? 7 : 30) || retention > 730) {
    throw new ArmError(400, 'InvalidParameter', `retentionInDays must be a whole number from 30 to 730 (7 for the Free SKU), got ${JSON.stringify(retention)}.`);
  }
  return { sku, retentionInDays: retention };
}

function putWorkspace(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  checkName(p.workspaceName, nameRules.workspace);
  const body = readBody(ctx);
  const location = normalizeLocation(body.location);
  const properties = propertiesOf(body);
  const { sku, retentionInDays } = validate(properties);
  const id = workspaceId(group, p.workspaceName);
  const existing = ctx.store.get(id);
  const now = new Date(ctx.now()).toISOString();
  const tags = tagsOf(body);
  const workspace: ArmResource = {
    id,
    name: p.workspaceName,
    type: WORKSPACE_TYPE,
    location,
    ...(tags !== undefined ? { tags } : {}),
    etag: newEtag(),
    systemData: systemData(ctx, existing),
    properties: {
      ...properties,
      customerId: (existing?.properties.customerId as string | undefined) ?? randomUUID(),
      provisioningState: 'Succeeded',
      sku: { name: sku, lastSkuUpdate: now },
      retentionInDays,
      features: { legacy: 0, searchVersion: 1, enableLogAccessUsingOnlyResourcePermissions: true },
      workspaceCapping: { dailyQuotaGb: -1, quotaNextResetTime: now, dataIngestionStatus: 'RespectQuota' },
      publicNetworkAccessForIngestion: properties.publicNetworkAccessForIngestion ?? 'Enabled',
      publicNetworkAccessForQuery: properties.publicNetworkAccessForQuery ?? 'Enabled',
      createdDate: (existing?.properties.createdDate as string | undefined) ?? now,
      modifiedDate: now,
    },
  };
  const transitional = existing === undefined ? 'Creating' : 'Updating';
  const op = ctx.store.update((state) => {
    state.resources[resourceKey(id)] = workspace;
    return recordOperation(ctx, state, id, 'put', transitional);
  });
  return resourceResponse(existing === undefined ? 201 : 200, { ...workspace, properties: { ...workspace.properties, provisioningState: transitional } }, asyncHeaders(ctx, id, op));
}

function requireWorkspace(ctx: ArmContext, p: RouteParams): ArmResource {
  const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  const workspace = ctx.store.get(workspaceId(group, p.workspaceName));
  if (workspace === undefined) throw resourceNotFound(WORKSPACE_TYPE, p.workspaceName, p.resourceGroupName);
  return workspace;
}

function deleteWorkspace(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  const workspace = ctx.store.get(workspaceId(group, p.workspaceName));
  if (workspace === undefined) return { status: 204, headers: {}, body: '' };
  return longRunningDelete(ctx, workspace.id, (state) => detachTree(state, workspace.id));
}

const base = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces';

export const workspaceRoutes: Route<ArmContext>[] = [
  {
    methods: ['GET'],
    pattern: base,
    versions: workspacesApi,
    handle: (ctx, p) => listInGroup(ctx, p.subscriptionId, p.resourceGroupName, WORKSPACE_TYPE),
  },
  { methods: ['PUT'], pattern: `${base}/{workspaceName}`, versions: workspacesApi, handle: putWorkspace },
  { methods: ['GET'], pattern: `${base}/{workspaceName}`, versions: workspacesApi, handle: (ctx, p) => resourceResponse(200, requireWorkspace(ctx, p)) },
  { methods: ['DELETE'], pattern: `${base}/{workspaceName}`, versions: workspacesApi, handle: deleteWorkspace },
];

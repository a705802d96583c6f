/**
 * `Microsoft.Insights/components` (Application Insights): synchronous PUT (200), GET, list, DELETE.
 * Properties use Azure's PascalCase wire names; the answer adds `AppId`, `InstrumentationKey` and
 * `ConnectionString`, and keeps `WorkspaceResourceId` and `CustomMetricsOptedInType`
 * (`WithDimensions` is what keeps token-metric dimensions; it is in no SDK model, so labs send it
 * with a generic ARM request).
 */
import { randomUUID } from 'node:crypto';
import { type SandboxResponse } from '../core/exchange.ts';
import { type ArmResource, resourceKey } from '../core/resources.ts';
import { componentsApi } from './api-versions.ts';
import type { ArmContext } from './context.ts';
import { ArmError, resourceNotFound } from './errors.ts';
import { normalizeLocation } from './locations.ts';
import { checkName, nameRules } from './names.ts';
import type { Route, RouteParams } from './router.ts';
import { type Json, listInGroup, newEtag, propertiesOf, readBody, requireResourceGroup, resourceResponse, tagsOf } from './shape.ts';
import { detachTree } from './soft-delete.ts';
import { WORKSPACE_TYPE } from './workspaces.ts';

const TYPE = 'Microsoft.Insights/components';
/** Wire names, so `customMetricsOptedInType` and `CustomMetricsOptedInType` are the same field (ARM reads JSON case-insensitively). */
const wireNames = [
  'Application_Type', 'Flow_Type', 'Request_Source', 'HockeyAppId', 'SamplingPercentage', 'RetentionInDays', 'DisableIpMasking',
  'ImmediatePurgeDataOn30Days', 'WorkspaceResourceId', 'publicNetworkAccessForIngestion', 'publicNetworkAccessForQuery',
  'IngestionMode', 'DisableLocalAuth', 'ForceCustomerStorageForProfiler', 'CustomMetricsOptedInType',
];
const readOnly = ['ApplicationId', 'AppId', 'InstrumentationKey', 'ConnectionString', 'CreationDate', 'TenantId', 'provisioningState', 'HockeyAppToken', 'LaMigrationDate', 'PrivateLinkScopedResources', 'Name'];

function canonical(properties: Json): Json {
  const result: Json = {};
  for (const [key, value] of Object.entries(properties)) {
    if (readOnly.some((name) => name.toLowerCase() === key.toLowerCase())) continue;
    result[wireNames.find((name) => name.toLowerCase() === key.toLowerCase()) ?? key] = value;
  }
  return result;
}

function componentId(group: ArmResource, name: string): string {
  return `${group.id}/providers/${TYPE}/${name}`;
}

function validate(ctx: ArmContext, body: Json, properties: Json): void {
  if (typeof body.kind !== 'string' || body.kind.trim() === '') {
    throw new ArmError(400, 'BadRequest', "The 'kind' property is required (normally \"web\").");
  }
  if (properties.Application_Type !== 'web' && properties.Application_Type !== 'other') {
    throw new ArmError(400, 'BadRequest', "properties.Application_Type is required: \"web\" or \"other\".");
  }
  const workspace = properties.WorkspaceResourceId;
  if (workspace === undefined && ctx.apiVersion.startsWith('2020-02-02')) {
    throw new ArmError(400, 'BadRequest', 'properties.WorkspaceResourceId is required: classic Application Insights resources are retired, every component stores its data in a Log Analytics workspace.');
  }
  if (workspace !== undefined) {
    const found = typeof workspace === 'string' ? ctx.store.get(workspace) : undefined;
    if (found === undefined || found.type.toLowerCase() !== WORKSPACE_TYPE.toLowerCase()) {
      throw new ArmError(400, 'BadRequest', `properties.WorkspaceResourceId '${String(workspace)}' does not name an existing Log Analytics workspace. Create the workspace first.`);
    }
  }
  const opted = properties.CustomMetricsOptedInType;
  if (opted !== undefined && opted !== 'WithDimensions' && opted !== 'WithoutDimensions') {
    throw new ArmError(400, 'BadRequest', "properties.CustomMetricsOptedInType must be \"WithDimensions\" or \"WithoutDimensions\".");
  }
}

function putComponent(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  checkName(p.resourceName, nameRules.component);
  const body = readBody(ctx);
  const location = normalizeLocation(body.location);
  const id = componentId(group, p.resourceName);
  const existing = ctx.store.get(id);
  const properties = { ...canonical(existing?.properties ?? {}), ...canonical(propertiesOf(body)) };
  validate(ctx, body, properties);
  const appId = (existing?.properties.AppId as string | undefined) ?? randomUUID();
  const key = (existing?.properties.InstrumentationKey as string | undefined) ?? randomUUID();
  const tags = tagsOf(body);
  const component: ArmResource = {
    id,
    name: p.resourceName,
    type: TYPE,
    location,
    kind: body.kind as string,
    ...(tags !== undefined ? { tags } : {}),
    etag: newEtag(),
    properties: {
      ApplicationId: p.resourceName,
      AppId: appId,
      Flow_Type: 'Bluefield',
      Request_Source: 'rest',
      RetentionInDays: 90,
      IngestionMode: properties.WorkspaceResourceId !== undefined ? 'LogAnalytics' : 'ApplicationInsights',
      publicNetworkAccessForIngestion: 'Enabled',
      publicNetworkAccessForQuery: 'Enabled',
      DisableIpMasking: false,
      ...properties,
      InstrumentationKey: key,
      ConnectionString: `InstrumentationKey=${key};IngestionEndpoint=https://${location}-0.in.applicationinsights.azure.com/;LiveEndpoint=https://${location}.livediagnostics.monitor.azure.com/;ApplicationId=${appId}`,
      CreationDate: (existing?.properties.CreationDate as string | undefined) ?? new Date(ctx.now()).toISOString(),
      TenantId: p.subscriptionId,
      provisioningState: 'Succeeded',
    },
  };
  ctx.store.update((state) => {
    state.resources[resourceKey(id)] = component;
  });
  return resourceResponse(200, component);
}

function requireComponent(ctx: ArmContext, p: RouteParams): ArmResource {
  const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  const component = ctx.store.get(componentId(group, p.resourceName));
  if (component === undefined) throw resourceNotFound(TYPE, p.resourceName, p.resourceGroupName);
  return component;
}

function deleteComponent(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  const component = ctx.store.get(componentId(group, p.resourceName));
  if (component === undefined) return { status: 204, headers: {}, body: '' };
  ctx.store.update((state) => {
    detachTree(state, component.id);
  });
  return { status: 200, headers: {}, body: '' };
}

const base = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Insights/components';

export const componentRoutes: Route<ArmContext>[] = [
  {
    methods: ['GET'],
    pattern: base,
    versions: componentsApi,
    handle: (ctx, p) => listInGroup(ctx, p.subscriptionId, p.resourceGroupName, TYPE),
  },
  { methods: ['PUT'], pattern: `${base}/{resourceName}`, versions: componentsApi, handle: putComponent },
  { methods: ['GET'], pattern: `${base}/{resourceName}`, versions: componentsApi, handle: (ctx, p) => resourceResponse(200, requireComponent(ctx, p)) },
  { methods: ['DELETE'], pattern: `${base}/{resourceName}`, versions: componentsApi, handle: deleteComponent },
];

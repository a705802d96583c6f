/**
 * `Microsoft.ApiManagement/service`: PUT as a long-running operation (`Created` → `Succeeded`),
 * GET, list, DELETE to soft-delete, restore via `properties.restore`. Each service has a system
 * identity when asked, a `gatewayUrl` on the sandbox gateway (`https://127.0.0.1:{port}/apim/{name}`)
 * and the built-in all-access subscription `master`.
 */
import { randomBytes } from 'node:crypto';
import { type SandboxResponse } from '../core/exchange.ts';
import { type ArmResource, resourceKey } from '../core/resources.ts';
import { apimApi } from './api-versions.ts';
import type { ArmContext } from './context.ts';
import { ArmError, resourceNotFound, validationError, type ErrorDetail } from './errors.ts';
import { displayLocation, normalizeLocation } from './locations.ts';
import { asyncHeaders, longRunningDelete, recordOperation } from './lro.ts';
import { identityFor } from './managed-identity.ts';
import { checkName, nameRules } from './names.ts';
import type { Route, RouteParams } from './router.ts';
import { type Json, listInGroup, listResponse, newEtag, propertiesOf, readBody, requireResourceGroup, resourceResponse, systemData, tagsOf } from './shape.ts';
import { APIM_TYPE, deletedApimKey, deleteTree, expireDeleted, restoreDeleted } from './soft-delete.ts';

const skus = ['Developer', 'Standard', 'Premium', 'Basic', 'Consumption', 'Isolated', 'BasicV2', 'StandardV2', 'PremiumV2'];

export function serviceId(group: ArmResource, name: string): string {
  return `${group.id}/providers/${APIM_TYPE}/${name}`;
}

/** The stored APIM service, or ARM's 404. */
export function requireService(ctx: ArmContext, p: RouteParams): ArmResource {
  const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  const service = ctx.store.get(serviceId(group, p.serviceName));
  if (service === undefined) throw resourceNotFound(APIM_TYPE, p.serviceName, p.resourceGroupName);
  return service;
}

export function newApimKey(): string {
  return randomBytes(16).toString('hex');
}

function validateService(body: Json): { sku: { name: string; capacity: number }; properties: Json } {
  const details: ErrorDetail[] = [];
  const properties = propertiesOf(body);
  const sku = (body.sku ?? {}) as Json;
  const skuName = skus.find((s) => s.toLowerCase() === String(sku.name ?? '').toLowerCase());
  if (skuName === undefined) details.push({ code: 'ValidationError', target: 'sku.name', message: `Sku name must be one of: ${skus.join(', ')}.` });
  const capacity = sku.capacity;
  if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 0 || capacity > 50) {
    details.push({ code: 'ValidationError', target: 'sku.capacity', message: 'Sku capacity is required: a whole number (0 for Consumption, 1 or more otherwise).' });
  } else if (skuName === 'Consumption' && capacity !== 0) {
    details.push({ code: 'ValidationError', target: 'sku.capacity', message: 'Sku capacity must be 0 for the Consumption tier.' });
  } else if (skuName !== undefined && skuName !== 'Consumption' && capacity < 1) {
    details.push({ code: 'ValidationError', target: 'sku.capacity', message: `Sku capacity must be at least 1 for the ${skuName} tier.` });
  }
  if (typeof properties.publisherEmail !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(properties.publisherEmail)) {
    details.push({ code: 'ValidationError', target: 'publisherEmail', message: 'publisherEmail is required and must be an email address.' });
  }
  if (typeof properties.publisherName !== 'string' || properties.publisherName.trim() === '') {
    details.push({ code: 'ValidationError', target: 'publisherName', message: 'publisherName is required.' });
  }
  if (details.length > 0) throw validationError(details);
  return { sku: { name: skuName as string, capacity: capacity as number }, properties };
}

function masterSubscription(ctx: ArmContext, service: ArmResource): ArmResource {
  return {
    id: `${service.id}/subscriptions/master`,
    name: 'master',
    type: 'Microsoft.ApiManagement/service/subscriptions',
    properties: {
      ownerId: `${service.id}/users/1`,
      scope: `${service.id}/`,
      displayName: 'Built-in all-access subscription',
      state: 'active',
      createdDate: new Date(ctx.now()).toISOString(),
      allowTracing: false,
    },
    secrets: { primaryKey: newApimKey(), secondaryKey: newApimKey() },
  };
}

function restoreService(ctx: ArmContext, key: string): SandboxResponse {
  const restored = restoreDeleted(ctx, key, 'Activating');
  if (restored === undefined) throw new ArmError(400, 'ValidationError', 'There is no soft-deleted service with this name to restore. Remove properties.restore to create a new service.');
  return resourceResponse(201, restored.entry.resource, asyncHeaders(ctx, restored.entry.resource.id, restored.op));
}

function putService(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  checkName(p.serviceName, nameRules.apimService);
  const body = readBody(ctx);
  const location = normalizeLocation(body.location);
  const id = serviceId(group, p.serviceName);
  const existing = ctx.store.get(id);
  const deletedKey = deletedApimKey(p.serviceName);
  const requested = propertiesOf(body);
  if (existing === undefined && ctx.store.deletedEntry(deletedKey) !== undefined) {
    if (requested.restore === true) return restoreService(ctx, deletedKey);
    throw new ArmError(
      409,
      'ServiceAlreadyExistsInSoftDeletedState',
      `Api service ${p.serviceName} was soft-deleted. In order to create the new service with the same name, you have to either undelete the service or purge it.`,
    );
  }
  const takenElsewhere = ctx.store.ofType(APIM_TYPE).some((s) => s.name.toLowerCase() === p.serviceName.toLowerCase() && resourceKey(s.id) !== resourceKey(id));
  if (takenElsewhere) throw new ArmError(409, 'ServiceAlreadyExists', `The API Management service name '${p.serviceName}' is already in use. Service names are global; pick another.`);
  if (existing !== undefined && existing.location !== displayLocation(location)) {
    throw new ArmError(409, 'InvalidResourceLocation', `The service '${p.serviceName}' already exists in location '${existing.location}'; it cannot be moved to '${location}'.`);
  }
  const { sku, properties } = validateService(body);
  const { restore: _restore, ...kept } = properties;
  const tags = tagsOf(body);
  const service: ArmResource = {
    id,
    name: p.serviceName,
    type: APIM_TYPE,
    location: displayLocation(location),
    sku,
    ...(tags !== undefined ? { tags } : {}),
    ...identityFor(body, existing, ctx.store.tenantId),
    etag: newEtag(),
    systemData: systemData(ctx, existing),
    properties: {
      notificationSenderEmail: 'apimgmt-noreply@mail.windowsazure.com',
      ...(existing?.properties ?? {}),
      ...kept,
      provisioningState: 'Succeeded',
      targetProvisioningState: '',
      createdAtUtc: (existing?.properties.createdAtUtc as string | undefined) ?? new Date(ctx.now()).toISOString(),
      gatewayUrl: `${ctx.origin}/apim/${p.serviceName}`,
      hostnameConfigurations: [],
      virtualNetworkType: 'None',
      publicNetworkAccess: kept.publicNetworkAccess ?? 'Enabled',
      disableGateway: false,
      natGatewayState: 'Disabled',
      platformVersion: sku.name === 'Consumption' ? 'mtv1' : 'stv2',
      developerPortalStatus: 'Disabled',
      legacyPortalStatus: 'Disabled',
    },
  };
  const op = ctx.store.update((state) => {
    expireDeleted(ctx, state);
    state.resources[resourceKey(id)] = service;
    if (existing === undefined) {
      const master = masterSubscription(ctx, service);
      state.resources[resourceKey(master.id)] = master;
    }
    return recordOperation(ctx, state, id, 'put', existing === undefined ? 'Activating' : 'Updating');
  });
  const first = existing === undefined
    ? { provisioningState: 'Created', targetProvisioningState: 'Activating' }
    : { provisioningState: 'Updating', targetProvisioningState: 'Succeeded' };
  return resourceResponse(existing === undefined ? 201 : 200, { ...service, properties: { ...service.properties, ...first } }, asyncHeaders(ctx, id, op));
}

function getService(ctx: ArmContext, p: RouteParams): SandboxResponse {
  return resourceResponse(200, requireService(ctx, p));
}

function deleteService(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  const service = ctx.store.get(serviceId(group, p.serviceName));
  if (service === undefined) return { status: 204, headers: {}, body: '' };
  return longRunningDelete(ctx, service.id, (state) => deleteTree(ctx, state, service.id));
}

function listByGroup(ctx: ArmContext, p: RouteParams): SandboxResponse {
  return listInGroup(ctx, p.subscriptionId, p.resourceGroupName, APIM_TYPE);
}

function listBySubscription(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const prefix = `/subscriptions/${p.subscriptionId}/`.toLowerCase();
  return listResponse(ctx.store.ofType(APIM_TYPE).filter((s) => resourceKey(s.id).startsWith(prefix)));
}

const base = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ApiManagement/service';

export const apimServiceRoutes: Route<ArmContext>[] = [
  { methods: ['GET'], pattern: '/subscriptions/{subscriptionId}/providers/Microsoft.ApiManagement/service', versions: apimApi, handle: listBySubscription },
  { methods: ['GET'], pattern: base, versions: apimApi, handle: listByGroup },
  { methods: ['PUT'], pattern: `${base}/{serviceName}`, versions: apimApi, handle: putService },
  { methods: ['GET'], pattern: `${base}/{serviceName}`, versions: apimApi, handle: getService },
  { methods: ['DELETE'], pattern: `${base}/{serviceName}`, versions: apimApi, handle: deleteService },
];

/**
 * APIM APIs (`.../service/{svc}/apis/{apiId}`): PUT as a long-running operation (PATCH changes
 * named properties at once), either a plain
 * definition or an import of an inline OpenAPI document that creates one operation per
 * `operationId` (a re-import replaces the operations); GET, list, DELETE (with operations,
 * policies and diagnostics). Also the API's operations (`.../apis/{apiId}/operations`).
 */
import { type SandboxResponse } from '../core/exchange.ts';
import { type ArmResource, resourceKey } from '../core/resources.ts';
import { apimApi } from './api-versions.ts';
import { checkIfMatch, entityRoutes, type EntityInput, pagedList } from './apim-entities.ts';
import { apiIdOf, requireApi } from './apim-parents.ts';
import { requireService } from './apim-service.ts';
import type { ArmContext } from './context.ts';
import { entityNotFound, validationError, type ErrorDetail } from './errors.ts';
import { asyncHeaders, recordOperation } from './lro.ts';
import { checkName, nameRules } from './names.ts';
import { checkImportFormat, type ImportedApi, importOpenApi } from './openapi-import.ts';
import type { Route, RouteParams } from './router.ts';
import { type Json, newEtag, propertiesOf, readBody, resourceResponse } from './shape.ts';
import { detachTree } from './soft-delete.ts';

const API_TYPE = 'Microsoft.ApiManagement/service/apis';
const OPERATION_TYPE = 'Microsoft.ApiManagement/service/apis/operations';
const protocolsAllowed = ['http', 'https', 'ws', 'wss'];
const httpMethods = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE'];

function apiProperties(ctx: ArmContext, service: ArmResource, apiId: string, requested: Json, existing: ArmResource | undefined, imported: ImportedApi | undefined): Json {
  const previous = existing?.properties ?? {};
  const { format: _format, value: _value, ...given } = requested;
  const merged: Json = { ...previous, ...given };
  const details: ErrorDetail[] = [];
  const displayName = merged.displayName ?? imported?.title;
  if (typeof displayName !== 'string' || displayName.trim() === '' || displayName.length > 300) {
    details.push({ code: 'ValidationError', target: 'displayName', message: 'displayName is required (1 to 300 characters).' });
  }
  if (typeof merged.path !== 'string' || merged.path.length > 400) {
    details.push({ code: 'ValidationError', target: 'path', message: "path is required: the URL suffix of the API on the gateway, e.g. 'openai'." });
  }
  const path = typeof merged.path === 'string' ? merged.path.replace(/^\/+|\/+$/g, '') : '';
  const clash = ctx.store.children(service.id, 'apis').find((api) =>
    api.name.toLowerCase() !== apiId.toLowerCase() && String(api.properties.path ?? '').toLowerCase() === path.toLowerCase());
  if (clash !== undefined) {
    details.push({ code: 'ValidationError', target: 'path', message: `Cannot create API '${apiId}' with the same Path '${path}' as API '${clash.name}' unless it's a part of the same version set.` });
  }
  const protocols = merged.protocols ?? ['https'];
  if (!Array.isArray(protocols) || protocols.length === 0 || protocols.some((p) => !protocolsAllowed.includes(String(p)))) {
    details.push({ code: 'ValidationError', target: 'protocols', message: `protocols must be a non-empty list of: ${protocolsAllowed.join(', ')}.` });
  }
  const serviceUrl = merged.serviceUrl ?? imported?.serviceUrl;
  if (serviceUrl !== undefined && serviceUrl !== null && (typeof serviceUrl !== 'string' || !/^https?:\/\/\S+$/i.test(serviceUrl))) {
    details.push({ code: 'ValidationError', target: 'serviceUrl', message: 'serviceUrl must be an absolute http or https URL.' });
  }
  const apiType = merged.apiType ?? merged.type ?? 'http';
  if (apiType !== 'http') details.push({ code: 'ValidationError', target: 'apiType', message: `The sandbox emulates HTTP APIs only; '${String(apiType)}' APIs are not available.` });
  const names = (merged.subscriptionKeyParameterNames ?? { header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key' }) as Json;
  if (typeof names !== 'object' || typeof names.header !== 'string' || typeof names.query !== 'string') {
    details.push({ code: 'ValidationError', target: 'subscriptionKeyParameterNames', message: 'subscriptionKeyParameterNames needs both header and query names.' });
  }
  if (details.length > 0) throw validationError(details);
  const description = merged.description ?? imported?.description;
  return {
    ...merged,
    displayName,
    apiRevision: merged.apiRevision ?? '1',
    ...(description !== undefined ? { description } : {}),
    subscriptionRequired: merged.subscriptionRequired ?? true,
    ...(serviceUrl !== undefined && serviceUrl !== null ? { serviceUrl } : {}),
    path,
    protocols,
    authenticationSettings: merged.authenticationSettings ?? { oAuth2AuthenticationSettings: [], openidAuthenticationSettings: [] },
    subscriptionKeyParameterNames: { header: names.header, query: names.query },
    isCurrent: true,
    type: 'http',
  };
}

function putApi(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const service = requireService(ctx, p);
  const apiId = apiIdOf(p.apiId);
  checkName(apiId, nameRules.apimApi);
  const id = `${service.id}/apis/${apiId}`;
  const existing = ctx.store.get(id);
  checkIfMatch(ctx, existing);
  const requested = propertiesOf(readBody(ctx));
  const patch = ctx.req.method === 'PATCH';
  if (patch && existing === undefined) throw entityNotFound('Api');
  let imported: ImportedApi | undefined;
  if (requested.format !== undefined) {
    const format = String(requested.format);
    checkImportFormat(format, requested.value);
    imported = importOpenApi(format, requested.value as string);
  }
  const api: ArmResource = {
    id: existing?.id ?? id,
    name: existing?.name ?? apiId,
    type: API_TYPE,
    etag: newEtag(),
    properties: apiProperties(ctx, service, apiId, requested, existing, imported),
  };
  const op = ctx.store.update((state) => {
    if (imported !== undefined) {
      for (const old of ctx.store.children(api.id, 'operations')) detachTree(state, old.id);
      for (const operation of imported.operations) {
        const operationId = `${api.id}/operations/${operation.name}`;
        state.resources[resourceKey(operationId)] = { id: operationId, name: operation.name, type: OPERATION_TYPE, etag: newEtag(), properties: operation.properties };
      }
    }
    state.resources[resourceKey(api.id)] = api;
    return patch ? undefined : recordOperation(ctx, state, api.id, 'put', 'InProgress');
  });
  if (op === undefined) return resourceResponse(200, api);
  return resourceResponse(existing === undefined ? 201 : 200, api, asyncHeaders(ctx, api.id, op));
}

function getApi(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const api = requireApi(ctx, requireService(ctx, p), p.apiId);
  if (ctx.req.method === 'HEAD') return { status: 200, headers: api.etag !== undefined ? { etag: api.etag } : {}, body: '' };
  return resourceResponse(200, api);
}

function deleteApi(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const service = requireService(ctx, p);
  const api = ctx.store.get(`${service.id}/apis/${apiIdOf(p.apiId)}`);
  if (api === undefined) return { status: 204, headers: {}, body: '' };
  checkIfMatch(ctx, api);
  ctx.store.update((state) => {
    detachTree(state, api.id);
  });
  return { status: 200, headers: {}, body: '' };
}

function listApis(ctx: ArmContext, p: RouteParams): SandboxResponse {
  return pagedList(ctx, ctx.store.children(requireService(ctx, p).id, 'apis'));
}

function buildOperation(_ctx: ArmContext, input: EntityInput): { properties: Json } {
  const p = { ...(input.existing?.properties ?? {}), ...input.properties };
  const details: ErrorDetail[] = [];
  if (typeof p.displayName !== 'string' || p.displayName.trim() === '') details.push({ code: 'ValidationError', target: 'displayName', message: 'displayName is required.' });
  if (typeof p.method !== 'string' || !httpMethods.includes(p.method.toUpperCase())) details.push({ code: 'ValidationError', target: 'method', message: `method is required: one of ${httpMethods.join(', ')}.` });
  if (typeof p.urlTemplate !== 'string' || !p.urlTemplate.startsWith('/')) {
    details.push({ code: 'ValidationError', target: 'urlTemplate', message: "urlTemplate is required and starts with '/', e.g. '/deployments/{deployment-id}/chat/completions'." });
  } else {
    const declared = new Set(((p.templateParameters ?? []) as Json[]).map((t) => String(t?.name)));
    const missing = [...p.urlTemplate.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).filter((name) => !declared.has(name));
    if (missing.length > 0) details.push({ code: 'ValidationError', target: 'templateParameters', message: `Template parameters ${missing.map((m) => `'${m}'`).join(', ')} are used in urlTemplate but not declared in templateParameters.` });
  }
  if (details.length > 0) throw validationError(details);
  return { properties: { templateParameters: [], responses: [], ...p, method: (p.method as string).toUpperCase() } };
}

const base = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ApiManagement/service/{serviceName}/apis';

export const apiRoutes: Route<ArmContext>[] = [
  { methods: ['GET'], pattern: base, versions: apimApi, handle: listApis },
  { methods: ['PUT', 'PATCH'], pattern: `${base}/{apiId}`, versions: apimApi, handle: putApi },
  { methods: ['GET', 'HEAD'], pattern: `${base}/{apiId}`, versions: apimApi, handle: getApi },
  { methods: ['DELETE'], pattern: `${base}/{apiId}`, versions: apimApi, handle: deleteApi },
  ...entityRoutes({
    segment: 'operations',
    type: OPERATION_TYPE,
    label: 'Operation',
    rule: nameRules.apimApi,
    parent: 'api',
    build: buildOperation,
  }),
];

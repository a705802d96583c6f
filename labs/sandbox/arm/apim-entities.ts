/**
 * The common life of an APIM child entity (backends, named values, subscriptions, loggers,
 * diagnostics, operations): PUT (create 201 / update 200, optional If-Match), PATCH (change the
 * named properties of an existing entity), GET, HEAD (entity
 * tag), list with `$top`/`$skip` paging, DELETE (204 when absent), and POST actions such as
 * `listSecrets`. Each entity kind supplies only its validation and shape.
 */
import { jsonResponse, type SandboxResponse } from '../core/exchange.ts';
import { type ArmResource, resourceKey } from '../core/resources.ts';
import type { StoredState } from '../store.ts';
import { apimApi } from './api-versions.ts';
import { requireApi } from './apim-parents.ts';
import { requireService } from './apim-service.ts';
import type { ArmContext } from './context.ts';
import { ArmError, entityNotFound } from './errors.ts';
import { asyncHeaders, recordOperation } from './lro.ts';
import { checkName, type NameRule } from './names.ts';
import type { Route, RouteParams } from './router.ts';
import { type Json, newEtag, propertiesOf, readBody, resourceResponse, toWire } from './shape.ts';
import { detachTree } from './soft-delete.ts';

export interface EntityInput {
  name: string;
  body: Json;
  properties: Json;
  existing: ArmResource | undefined;
  service: ArmResource;
  /** The service, or the API for API-scoped entities. */
  parent: ArmResource;
}

export interface EntitySpec {
  /** Path segment of the collection, e.g. `backends`. */
  segment: string;
  type: string;
  /** Word used in "... not found.", e.g. `Backend`. */
  label: string;
  rule: NameRule;
  parent: 'service' | 'api';
  /** Named values and APIs answer PUT as a long-running operation. */
  longRunning?: boolean;
  build(ctx: ArmContext, input: EntityInput): { properties: Json; secrets?: Record<string, string> };
  /** Extra changes made in the same durable write as the PUT (e.g. a logger's named value). */
  alsoWrite?(ctx: ArmContext, state: StoredState, entity: ArmResource, input: EntityInput): void;
  refuseDelete?(entity: ArmResource): ArmError | undefined;
  /** POST `{entity}/{action}` handlers, e.g. `listSecrets`. */
  actions?: Record<string, (ctx: ArmContext, entity: ArmResource) => SandboxResponse>;
}

const servicePattern = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ApiManagement/service/{serviceName}';

export function parentOf(ctx: ArmContext, p: RouteParams, parent: 'service' | 'api'): { service: ArmResource; parent: ArmResource } {
  const service = requireService(ctx, p);
  return { service, parent: parent === 'service' ? service : requireApi(ctx, service, p.apiId) };
}

/** 412 when an If-Match header names another version of the entity. */
export function checkIfMatch(ctx: ArmContext, entity: ArmResource | undefined): void {
  const ifMatch = ctx.req.headers['if-match'];
  if (ifMatch === undefined || ifMatch.trim() === '*' || entity === undefined) return;
  if (ifMatch.trim() !== entity.etag) {
    throw new ArmError(412, 'PreconditionFailed', 'The entity state does not match the If-Match condition: it was changed since you read it. Read it again, or send If-Match: *.');
  }
}

/** `{ value, count, nextLink? }` with `$top` / `$skip` applied. */
export function pagedList(ctx: ArmContext, items: ArmResource[]): SandboxResponse {
  const skip = Math.max(0, Number.parseInt(ctx.req.query.get('$skip') ?? '0', 10) || 0);
  const topRaw = ctx.req.query.get('$top');
  const top = topRaw === null ? 100 : Math.max(1, Number.parseInt(topRaw, 10) || 100);
  const page = items.slice(skip, skip + top);
  const body: Json = { value: page.map(toWire), count: items.length };
  if (skip + top < items.length) {
    const query = new URLSearchParams(ctx.req.query);
    query.delete('$skip');
    query.delete('$top');
    const rest = query.toString();
    body.nextLink = `${ctx.origin}${ctx.req.path}?${rest}${rest === '' ? '' : '&'}$top=${top}&$skip=${skip + top}`;
  }
  return jsonResponse(200, body);
}

export function entityRoutes(spec: EntitySpec): Route<ArmContext>[] {
  const collection = `${servicePattern}${spec.parent === 'api' ? '/apis/{apiId}' : ''}/${spec.segment}`;
  const entity = `${collection}/{entityId}`;
  const find = (ctx: ArmContext, p: RouteParams): { found: ArmResource | undefined; id: string; service: ArmResource; parent: ArmResource } => {
    const { service, parent } = parentOf(ctx, p, spec.parent);
    const id = `${parent.id}/${spec.segment}/${p.entityId}`;
    return { found: ctx.store.get(id), id, service, parent };
  };

  const put = (ctx: ArmContext, p: RouteParams): SandboxResponse => {
    const { found, id, service, parent } = find(ctx, p);
    checkName(p.entityId, spec.rule);
    checkIfMatch(ctx, found);
    const body = readBody(ctx);
    const patch = ctx.req.method === 'PATCH';
    if (patch && found === undefined) throw entityNotFound(spec.label);
    // PATCH changes only the properties it names; each kind's build keeps the entity's secrets.
    const properties = patch ? { ...(found?.properties ?? {}), ...propertiesOf(body) } : propertiesOf(body);
    const input: EntityInput = { name: p.entityId, body, properties, existing: found, service, parent };
    const built = spec.build(ctx, input);
    const resource: ArmResource = {
      id: found?.id ?? id,
      name: found?.name ?? p.entityId,
      type: spec.type,
      etag: newEtag(),
      properties: built.properties,
      ...(built.secrets !== undefined ? { secrets: built.secrets } : {}),
    };
    const op = ctx.store.update((state) => {
      state.resources[resourceKey(resource.id)] = resource;
      spec.alsoWrite?.(ctx, state, resource, input);
      return spec.longRunning ? recordOperation(ctx, state, resource.id, 'put', 'InProgress') : undefined;
    });
    const status = found === undefined ? 201 : 200;
    if (op === undefined || patch) return resourceResponse(status, resource);
    return resourceResponse(status, resource, asyncHeaders(ctx, resource.id, op));
  };

  const get = (ctx: ArmContext, p: RouteParams): SandboxResponse => {
    const { found } = find(ctx, p);
    if (found === undefined) {
      if (ctx.req.method === 'HEAD') return { status: 404, headers: {}, body: '' };
      throw entityNotFound(spec.label);
    }
    if (ctx.req.method === 'HEAD') return { status: 200, headers: found.etag !== undefined ? { etag: found.etag } : {}, body: '' };
    return resourceResponse(200, found);
  };

  const remove = (ctx: ArmContext, p: RouteParams): SandboxResponse => {
    const { found } = find(ctx, p);
    if (found === undefined) return { status: 204, headers: {}, body: '' };
    checkIfMatch(ctx, found);
    const refusal = spec.refuseDelete?.(found);
    if (refusal !== undefined) throw refusal;
    ctx.store.update((state) => {
      detachTree(state, found.id);
    });
    return { status: 200, headers: {}, body: '' };
  };

  const list = (ctx: ArmContext, p: RouteParams): SandboxResponse => {
    const { parent } = parentOf(ctx, p, spec.parent);
    return pagedList(ctx, ctx.store.children(parent.id, spec.segment));
  };

  const routes: Route<ArmContext>[] = [
    { methods: ['GET'], pattern: collection, versions: apimApi, handle: list },
    { methods: ['PUT', 'PATCH'], pattern: entity, versions: apimApi, handle: put },
    { methods: ['GET', 'HEAD'], pattern: entity, versions: apimApi, handle: get },
    { methods: ['DELETE'], pattern: entity, versions: apimApi, handle: remove },
  ];
  for (const [action, handler] of Object.entries(spec.actions ?? {})) {
    routes.push({
      methods: ['POST'],
      pattern: `${entity}/${action}`,
      versions: apimApi,
      handle: (ctx, p) => {
        const { found } = find(ctx, p);
        if (found === undefined) throw entityNotFound(spec.label);
        return handler(ctx, found);
      },
    });
  }
  return routes;
}

/**
 * Building ARM resources and responses: ids, `etag`, `systemData`, JSON bodies, and the wire form
 * of a stored resource (sandbox-only secrets removed).
 */
import { randomBytes } from 'node:crypto';
import { jsonResponse, type SandboxResponse } from '../core/exchange.ts';
import type { ArmResource } from '../core/resources.ts';
import type { ArmContext } from './context.ts';
import { ArmError, resourceGroupNotFound } from './errors.ts';

export type Json = Record<string, unknown>;

/** The request body as a JSON object; ARM's 400 `InvalidRequestContent` when it is not one. */
export function readBody(ctx: ArmContext, options: { allowEmpty?: boolean } = {}): Json {
  const text = ctx.req.body.trim();
  if (text === '') {
    if (options.allowEmpty) return {};
    throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: the body is empty. Send the resource definition as a JSON object.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${(error as Error).message}'.`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: the body must be a JSON object.');
  }
  return value as Json;
}

/** `body.properties` as an object (empty when absent); 400 when it is something else. */
export function propertiesOf(body: Json): Json {
  const properties = body.properties;
  if (properties === undefined || properties === null) return {};
  if (typeof properties !== 'object' || Array.isArray(properties)) {
    throw new ArmError(400, 'InvalidRequestContent', "The request content was invalid: 'properties' must be a JSON object.");
  }
  return properties as Json;
}

/** `body.tags` as string pairs; 400 for anything else. */
export function tagsOf(body: Json): Record<string, string> | undefined {
  const tags = body.tags;
  if (tags === undefined || tags === null) return undefined;
  if (typeof tags !== 'object' || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string')) {
    throw new ArmError(400, 'InvalidRequestContent', "The request content was invalid: 'tags' must be an object of string values.");
  }
  return tags as Record<string, string>;
}

export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ArmError(400, 'InvalidRequestContent', `The request content was invalid: '${field}' must be a string.`);
  return value;
}

export function newEtag(): string {
  return `"${randomBytes(8).toString('hex')}"`;
}

export function isoNow(ctx: ArmContext): string {
  return new Date(ctx.now()).toISOString();
}

/** `systemData` for a new or updated resource, keeping the creation fields of the old one. */
export function systemData(ctx: ArmContext, previous?: ArmResource): Json {
  const now = isoNow(ctx);
  const created = previous?.systemData;
  return {
    createdBy: created?.createdBy ?? ctx.principalId,
    createdByType: created?.createdByType ?? 'Application',
    createdAt: created?.createdAt ?? now,
    lastModifiedBy: ctx.principalId,
    lastModifiedByType: 'Application',
    lastModifiedAt: now,
  };
}

/** The resource as ARM returns it: everything but the sandbox-only secrets. */
export function toWire(resource: ArmResource): Json {
  const { secrets: _secrets, ...wire } = resource;
  return wire;
}

/** A JSON answer with the resource, and its ETag header when it has one. */
export function resourceResponse(status: number, resource: ArmResource, headers: Record<string, string> = {}): SandboxResponse {
  return jsonResponse(status, toWire(resource), resource.etag !== undefined ? { etag: resource.etag, ...headers } : headers);
}

/** ARM's list answer: `{ value: [...] }`. */
export function listResponse(resources: ArmResource[], extra: Json = {}): SandboxResponse {
  return jsonResponse(200, { value: resources.map(toWire), ...extra });
}

export function resourceGroupId(subscriptionId: string, resourceGroupName: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}`;
}

/** The resource group, or ARM's 404 `ResourceGroupNotFound`. Returns its stored id. */
export function requireResourceGroup(ctx: ArmContext, subscriptionId: string, resourceGroupName: string): ArmResource {
  const group = ctx.store.get(resourceGroupId(subscriptionId, resourceGroupName));
  if (group === undefined) throw resourceGroupNotFound(resourceGroupName);
  return group;
}

/** `{ value }` of the resources of `type` directly in a resource group. */
export function listInGroup(ctx: ArmContext, subscriptionId: string, resourceGroupName: string, type: string): SandboxResponse {
  const group = requireResourceGroup(ctx, subscriptionId, resourceGroupName);
  const segment = type.split('/').pop() ?? type;
  return listResponse(ctx.store.children(group.id, segment).filter((r) => r.type.toLowerCase() === type.toLowerCase()));
}

/** The id a new child gets, spelled with the stored parent's casing and the request's child name. */
export function childId(parent: ArmResource, ...segments: string[]): string {
  return [parent.id, ...segments].join('/');
}

export function deepCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * APIM policies at service, API and operation scope (`.../policies/policy`): PUT with `format`
 * `xml` (the default) or `rawxml`, GET, list, DELETE. A document is checked on save as APIM checks
 * it: by the policy engine (malformed XML, unsupported elements, bad expressions, each named with
 * line and column), then for references to backends, loggers and named values that do not exist.
 */
import { jsonResponse, type SandboxResponse } from '../core/exchange.ts';
import { type ArmResource, resourceKey } from '../core/resources.ts';
import { apimApi } from './api-versions.ts';
import { checkIfMatch, parentOf } from './apim-entities.ts';
import type { ArmContext } from './context.ts';
import { ArmError, entityNotFound, validationError, type ErrorDetail } from './errors.ts';
import type { Route, RouteParams } from './router.ts';
import { newEtag, propertiesOf, readBody, resourceResponse, toWire } from './shape.ts';

type Scope = 'global' | 'api' | 'operation';

const types: Record<Scope, string> = {
  global: 'Microsoft.ApiManagement/service/policies',
  api: 'Microsoft.ApiManagement/service/apis/policies',
  operation: 'Microsoft.ApiManagement/service/apis/operations/policies',
};

function position(xml: string, index: number): { line: number; column: number; element: string } {
  const before = xml.slice(0, index);
  const lines = before.split('\n');
  const element = /<([A-Za-z][\w.-]*)[^<]*$/.exec(before)?.[1] ?? 'policies';
  return { line: lines.length, column: lines[lines.length - 1].length + 1, element };
}

/** Backends, loggers and named values the document names but the service does not have. */
function missingReferences(ctx: ArmContext, service: ArmResource, xml: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const check = (pattern: RegExp, exists: (name: string) => boolean, what: (name: string) => string): void => {
    for (const match of xml.matchAll(pattern)) {
      const name = match[1];
      if (name.startsWith('@') || name.includes('{{') || exists(name)) continue;
      const where = position(xml, match.index ?? 0);
      details.push({ code: 'ValidationError', target: 'representation', message: `Error in element '${where.element}' on line ${where.line}, column ${where.column}: ${what(name)}` });
    }
  };
  check(/\bbackend-id\s*=\s*"([^"]*)"/g, (name) => ctx.store.get(`${service.id}/backends/${name}`) !== undefined, (name) => `Backend with id '${name}' could not be found.`);
  check(/\blogger-id\s*=\s*"([^"]*)"/g, (name) => ctx.store.get(`${service.id}/loggers/${name}`) !== undefined, (name) => `Logger not found: '${name}'.`);
  const namedValues = ctx.store.children(service.id, 'namedValues');
  check(
    /\{\{([^{}]+)\}\}/g,
    (name) => namedValues.some((nv) => nv.name.toLowerCase() === name.toLowerCase() || String(nv.properties.displayName ?? '').toLowerCase() === name.toLowerCase()),
    (name) => `Cannot find a named value '${name}'. Create it under Named values first.`,
  );
  return details;
}

function policyRoutes(scope: Scope, collection: string): Route<ArmContext>[] {
  const parentFor = (ctx: ArmContext, p: RouteParams): { service: ArmResource; parent: ArmResource } => {
    const { service, parent } = parentOf(ctx, p, scope === 'global' ? 'service' : 'api');
    if (scope !== 'operation') return { service, parent };
    const operation = ctx.store.get(`${parent.id}/operations/${p.operationId}`);
    if (operation === undefined) throw entityNotFound('Operation');
    return { service, parent: operation };
  };
  const policyIdOf = (p: RouteParams): string => {
    if (p.policyId.toLowerCase() !== 'policy') {
      throw new ArmError(400, 'ValidationError', `Policy id '${p.policyId}' is not valid; the only policy id is 'policy'.`);
    }
    return 'policy';
  };

  const put = (ctx: ArmContext, p: RouteParams): SandboxResponse => {
    const { service, parent } = parentFor(ctx, p);
    const id = `${parent.id}/policies/${policyIdOf(p)}`;
    const existing = ctx.store.get(id);
    checkIfMatch(ctx, existing);
    const properties = propertiesOf(readBody(ctx));
    const format = properties.format === undefined ? 'xml' : String(properties.format);
    if (format === 'xml-link' || format === 'rawxml-link') {
      throw validationError([{ code: 'ValidationError', target: 'format', message: `The sandbox works offline and cannot fetch '${String(properties.value)}'. Send the policy document itself with format 'rawxml' (or 'xml').` }]);
    }
    if (format !== 'xml' && format !== 'rawxml') {
      throw validationError([{ code: 'ValidationError', target: 'format', message: "format must be 'xml' or 'rawxml'." }]);
    }
    const value = properties.value;
    if (typeof value !== 'string' || value.trim() === '') {
      throw validationError([{ code: 'ValidationError', target: 'value', message: 'value is required: the policy document.' }]);
    }
    const validate = ctx.validatePolicy;
    if (validate === undefined) {
      ctx.log('The policy engine is not part of this build: the policy document was stored without validation.');
    } else {
      const result = validate(value, scope);
      if (!result.ok) throw validationError(result.error.details);
    }
    const missing = missingReferences(ctx, service, value);
    if (missing.length > 0) throw validationError(missing);
    const policy: ArmResource = { id, name: 'policy', type: types[scope], etag: newEtag(), properties: { value, format } };
    ctx.store.update((state) => {
      state.resources[resourceKey(id)] = policy;
    });
    return resourceResponse(existing === undefined ? 201 : 200, policy);
  };

  const get = (ctx: ArmContext, p: RouteParams): SandboxResponse => {
    const { parent } = parentFor(ctx, p);
    const policy = ctx.store.get(`${parent.id}/policies/${policyIdOf(p)}`);
    if (policy === undefined) {
      if (ctx.req.method === 'HEAD') return { status: 404, headers: {}, body: '' };
      throw entityNotFound('Policy');
    }
    if (ctx.req.method === 'HEAD') return { status: 200, headers: policy.etag !== undefined ? { etag: policy.etag } : {}, body: '' };
    return resourceResponse(200, policy);
  };

  const remove = (ctx: ArmContext, p: RouteParams): SandboxResponse => {
    const { parent } = parentFor(ctx, p);
    const policy = ctx.store.get(`${parent.id}/policies/${policyIdOf(p)}`);
    if (policy === undefined) return { status: 204, headers: {}, body: '' };
    checkIfMatch(ctx, policy);
    ctx.store.update((state) => {
      delete state.resources[resourceKey(policy.id)];
    });
    return { status: 200, headers: {}, body: '' };
  };

  const list = (ctx: ArmContext, p: RouteParams): SandboxResponse => {
    const { parent } = parentFor(ctx, p);
    const items = ctx.store.children(parent.id, 'policies');
    return jsonResponse(200, { value: items.map(toWire), count: items.length });
  };

  return [
    { methods: ['GET'], pattern: collection, versions: apimApi, handle: list },
    { methods: ['PUT'], pattern: `${collection}/{policyId}`, versions: apimApi, handle: put },
    { methods: ['GET', 'HEAD'], pattern: `${collection}/{policyId}`, versions: apimApi, handle: get },
    { methods: ['DELETE'], pattern: `${collection}/{policyId}`, versions: apimApi, handle: remove },
  ];
}

const service = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ApiManagement/service/{serviceName}';

export const policyRouteList: Route<ArmContext>[] = [
  ...policyRoutes('global', `${service}/policies`),
  ...policyRoutes('api', `${service}/apis/{apiId}/policies`),
  ...policyRoutes('operation', `${service}/apis/{apiId}/operations/{operationId}/policies`),
];

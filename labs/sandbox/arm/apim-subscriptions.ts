/**
 * APIM subscriptions (`.../service/{svc}/subscriptions/{sid}`): a scope (`/apis`, `/apis/{id}`,
 * `/products/{id}`, or the full resource id), a state (`submitted` when none is given, as on
 * Azure: only `active` keys pass the gateway), and keys read with `POST .../listSecrets`.
 * The built-in all-access subscription `master` cannot be deleted.
 */
import { jsonResponse } from '../core/exchange.ts';
import { resourceKey } from '../core/resources.ts';
import { entityRoutes, type EntityInput } from './apim-entities.ts';
import { newApimKey } from './apim-service.ts';
import type { ArmContext } from './context.ts';
import { ArmError, validationError, type ErrorDetail } from './errors.ts';
import { nameRules } from './names.ts';
import type { Json } from './shape.ts';

const states = ['suspended', 'active', 'expired', 'submitted', 'rejected', 'cancelled'];

/** `/apis/x`, `/products/y`, `/apis` or a full id under this service; undefined when invalid. */
function scopeTarget(service: { id: string }, scope: string): { kind: 'apis' | 'products' | 'all'; name?: string } | undefined {
  let rest = scope.replace(/\/+$/, '');
  if (rest.toLowerCase().startsWith(resourceKey(service.id))) rest = rest.slice(service.id.length);
  if (rest === '' || rest.toLowerCase() === '/apis') return { kind: 'all' };
  const match = /^\/(apis|products)\/([^/]+)$/i.exec(rest);
  if (match === null) return undefined;
  return { kind: match[1].toLowerCase() as 'apis' | 'products', name: match[2] };
}

/** The scope as Azure answers it: the full resource id (the built-in `master` keeps `{service}/`). */
function fullScope(serviceId: string, given: string, target: ReturnType<typeof scopeTarget>): string {
  if (target === undefined || given.endsWith(`${serviceId}/`)) return given;
  return target.kind === 'all' ? `${serviceId}/apis` : `${serviceId}/${target.kind}/${target.name}`;
}

function build(ctx: ArmContext, input: EntityInput): { properties: Json; secrets: Record<string, string> } {
  const p = input.properties;
  const previous = input.existing?.properties ?? {};
  const details: ErrorDetail[] = [];
  const scope = p.scope ?? previous.scope;
  const target = typeof scope === 'string' ? scopeTarget(input.service, scope) : undefined;
  if (target === undefined) {
    details.push({ code: 'ValidationError', target: 'scope', message: "scope is required: '/apis' (all APIs), '/apis/{apiId}' or '/products/{productId}'." });
  } else if (target.kind === 'apis' && ctx.store.get(`${input.service.id}/apis/${target.name}`) === undefined) {
    details.push({ code: 'ValidationError', target: 'scope', message: `Api '${target.name}' not found. Create the API before its subscription.` });
  } else if (target.kind === 'products') {
    details.push({ code: 'ValidationError', target: 'scope', message: 'Products are not emulated by the sandbox; scope the subscription to /apis or /apis/{apiId}.' });
  }
  const displayName = p.displayName ?? previous.displayName;
  if (typeof displayName !== 'string' || displayName.trim() === '' || displayName.length > 100) {
    details.push({ code: 'ValidationError', target: 'displayName', message: 'displayName is required (1 to 100 characters).' });
  }
  const state = p.state ?? previous.state ?? 'submitted';
  if (typeof state !== 'string' || !states.includes(state)) {
    details.push({ code: 'ValidationError', target: 'state', message: `state must be one of: ${states.join(', ')}.` });
  }
  for (const key of ['primaryKey', 'secondaryKey'] as const) {
    if (p[key] !== undefined && (typeof p[key] !== 'string' || (p[key] as string).length < 1 || (p[key] as string).length > 256)) {
      details.push({ code: 'ValidationError', target: key, message: `${key} must be a string of 1 to 256 characters.` });
    }
  }
  if (details.length > 0) throw validationError(details);
  const now = new Date(ctx.now()).toISOString();
  const properties: Json = {
    ...(p.ownerId !== undefined || previous.ownerId !== undefined ? { ownerId: p.ownerId ?? previous.ownerId } : {}),
    scope: fullScope(input.service.id, scope as string, target),
    displayName,
    state,
    createdDate: previous.createdDate ?? now,
    ...(state === 'active' ? { startDate: previous.startDate ?? now } : {}),
    allowTracing: p.allowTracing ?? previous.allowTracing ?? false,
  };
  return {
    properties,
    secrets: {
      primaryKey: (p.primaryKey as string | undefined) ?? input.existing?.secrets?.primaryKey ?? newApimKey(),
      secondaryKey: (p.secondaryKey as string | undefined) ?? input.existing?.secrets?.secondaryKey ?? newApimKey(),
    },
  };
}

function regenerate(slot: 'primaryKey' | 'secondaryKey') {
  return (ctx: ArmContext, entity: { id: string }) => {
    ctx.store.update((state) => {
      const stored = state.resources[resourceKey(entity.id)];
      stored.secrets = { ...stored.secrets, [slot]: newApimKey() };
    });
    return { status: 204, headers: {}, body: '' };
  };
}

export const subscriptionRoutes = entityRoutes({
  segment: 'subscriptions',
  type: 'Microsoft.ApiManagement/service/subscriptions',
  label: 'Subscription',
  rule: nameRules.apimSubscription,
  parent: 'service',
  build,
  refuseDelete: (entity) =>
    entity.name.toLowerCase() === 'master'
      ? new ArmError(400, 'ValidationError', 'The built-in all-access subscription cannot be deleted.')
      : undefined,
  actions: {
    listSecrets: (_ctx, entity) => jsonResponse(200, { primaryKey: entity.secrets?.primaryKey, secondaryKey: entity.secrets?.secondaryKey }),
    regeneratePrimaryKey: regenerate('primaryKey'),
    regenerateSecondaryKey: regenerate('secondaryKey'),
  },
});

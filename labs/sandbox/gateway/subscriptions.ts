/**
 * Subscription keys as the gateway checks them: the key comes from the API's configured header or
 * query parameter (`Ocp-Apim-Subscription-Key` / `subscription-key` unless the API renames them,
 * e.g. to `api-key`); it must belong to an `active` subscription whose scope covers the API
 * (all APIs, this API, or a product that contains it).
 */
import type { SandboxRequest } from '../core/exchange.ts';
import type { ArmResource, ResourceView } from '../core/resources.ts';

export interface KeyNames {
  header: string;
  query: string;
}

export interface CallerSubscription {
  subscription: ArmResource;
  key: string;
  product?: ArmResource;
}

export type KeyCheck = { outcome: 'ok'; caller: CallerSubscription | undefined } | { outcome: 'missing' | 'invalid' };

export function keyNames(api: ArmResource): KeyNames {
  const names = (api.properties.subscriptionKeyParameterNames ?? {}) as Partial<KeyNames>;
  return { header: names.header || 'Ocp-Apim-Subscription-Key', query: names.query || 'subscription-key' };
}

/** The key the caller sent, and where it came from. */
export function presentedKey(req: SandboxRequest, names: KeyNames): string | undefined {
  const fromHeader = req.headers[names.header.toLowerCase()];
  if (fromHeader !== undefined && fromHeader !== '') return fromHeader;
  const fromQuery = req.query.get(names.query);
  return fromQuery === null || fromQuery === '' ? undefined : fromQuery;
}

function keysOf(subscription: ArmResource): string[] {
  const secrets = subscription.secrets ?? {};
  return [secrets.primaryKey, secrets.secondaryKey, subscription.properties.primaryKey, subscription.properties.secondaryKey].filter(
    (key): key is string => typeof key === 'string' && key !== '',
  );
}

/** The scope relative to the service: '' (all APIs), `/apis/{id}` or `/products/{id}`. */
export function relativeScope(service: ArmResource, scope: unknown): string {
  let text = String(scope ?? '').trim();
  if (text.toLowerCase().startsWith(service.id.toLowerCase())) text = text.slice(service.id.length);
  text = text.replace(/\/+$/, '');
  return text.toLowerCase() === '/apis' ? '' : text;
}

function productContainsApi(resources: ResourceView, product: ArmResource, api: ArmResource): boolean {
  const wanted = api.name.toLowerCase();
  return resources.children(product.id, 'apis').some((link) => link.name.toLowerCase() === wanted);
}

function coverage(resources: ResourceView, service: ArmResource, subscription: ArmResource, api: ArmResource): { covers: boolean; product?: ArmResource } {
  const scope = relativeScope(service, subscription.properties.scope);
  if (scope === '') return { covers: true };
  const [, kind, id] = scope.split('/');
  if (kind?.toLowerCase() === 'apis') return { covers: id?.toLowerCase() === api.name.toLowerCase() };
  if (kind?.toLowerCase() === 'products' && id) {
    const product = resources.get(`${service.id}/products/${id}`);
    if (!product || product.properties.state === 'notPublished') return { covers: false };
    return productContainsApi(resources, product, api) ? { covers: true, product } : { covers: false };
  }
  return { covers: false };
}

export function checkSubscriptionKey(resources: ResourceView, service: ArmResource, api: ArmResource, req: SandboxRequest): KeyCheck {
  const required = api.properties.subscriptionRequired !== false;
  const key = presentedKey(req, keyNames(api));
  if (key === undefined) return required ? { outcome: 'missing' } : { outcome: 'ok', caller: undefined };
  for (const subscription of resources.children(service.id, 'subscriptions')) {
    if (!keysOf(subscription).includes(key)) continue;
    if (subscription.properties.state !== 'active') continue;
    const { covers, product } = coverage(resources, service, subscription, api);
    if (covers) return { outcome: 'ok', caller: { subscription, key, product } };
  }
  return required ? { outcome: 'invalid' } : { outcome: 'ok', caller: undefined };
}

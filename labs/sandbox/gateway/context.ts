/**
 * The `context` object that policy expressions read (`context.Request.IpAddress`,
 * `context.Subscription.Id`, `context.Variables["x"]`, ...), built from a call with the member
 * names API Management uses.
 */
import type { SandboxResponse } from '../core/exchange.ts';
import type { ArmResource, ResourceView } from '../core/resources.ts';
import type { Call, OutgoingRequest } from './call.ts';

function urlValue(gatewayUrl: string, request: OutgoingRequest): Record<string, unknown> {
  const base = new URL(gatewayUrl);
  const query: Record<string, string> = {};
  request.query.forEach((value, key) => {
    query[key] = key in query ? `${query[key]},${value}` : value;
  });
  const queryString = request.query.toString();
  const path = `${base.pathname.replace(/\/+$/, '')}${request.path}`;
  const text = `${base.protocol}//${base.host}${path}${queryString ? `?${queryString}` : ''}`;
  return {
    Scheme: base.protocol.replace(':', ''),
    Host: base.hostname,
    Port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
    Path: path,
    QueryString: queryString ? `?${queryString}` : '',
    Query: query,
    ToString: () => text,
  };
}

function userValue(resources: ResourceView, service: ArmResource, userId: string | undefined): Record<string, unknown> | null {
  if (userId === undefined) return null;
  const user = resources.get(`${service.id}/users/${userId}`);
  const administrator = userId === '1';
  return {
    Id: userId,
    Email: String(user?.properties.email ?? (administrator ? service.properties.publisherEmail ?? '' : '')),
    FirstName: String(user?.properties.firstName ?? (administrator ? 'Administrator' : '')),
    LastName: String(user?.properties.lastName ?? ''),
  };
}

export function buildContext(call: Omit<Call, 'context'>): Record<string, unknown> {
  const { service, route, caller } = call;
  const { api, operation } = route;
  const subscription = caller?.subscription;
  const product = caller?.product;
  let url: Record<string, unknown> | undefined;
  const lazyUrl = () => (url ??= urlValue(call.gatewayUrl, call.request));
  return {
    Api: {
      Id: api.name,
      Name: String(api.properties.displayName ?? api.name),
      Path: String(api.properties.path ?? ''),
      Version: String(api.properties.apiVersion ?? ''),
      Revision: String(api.properties.apiRevision ?? '1'),
      IsCurrentRevision: true,
    },
    Deployment: {
      Region: String(service.location ?? ''),
      ServiceName: service.name,
      ServiceId: service.id,
      Gateway: { Id: 'managed', InstanceId: `${service.name}-gateway`, IsManaged: true },
    },
    LastError: null,
    Operation: {
      Id: operation.name,
      Name: String(operation.properties.displayName ?? operation.name),
      Method: String(operation.properties.method ?? ''),
      UrlTemplate: String(operation.properties.urlTemplate ?? ''),
    },
    Product: product ? { Id: product.name, Name: String(product.properties.displayName ?? product.name), SubscriptionRequired: product.properties.subscriptionRequired !== false } : null,
    Request: {
      Headers: call.request.headers,
      IpAddress: call.request.ip,
      MatchedParameters: route.parameters,
      Method: call.request.method,
      get OriginalUrl() {
        return lazyUrl();
      },
      get Url() {
        return lazyUrl();
      },
    },
    RequestId: call.requestId,
    Response: null,
    Subscription: subscription
      ? {
          Id: subscription.name,
          Key: caller?.key ?? '',
          Name: String(subscription.properties.displayName ?? subscription.name),
          PrimaryKey: subscription.secrets?.primaryKey ?? '',
          SecondaryKey: subscription.secrets?.secondaryKey ?? '',
        }
      : null,
    Tracing: false,
    User: userValue(call.deps.resources, service, call.userId),
    Variables: call.variables,
  };
}

/** Makes the backend's (or a returned) response visible to expressions as `context.Response`. */
export function exposeResponse(call: Call, response: SandboxResponse, reason = ''): void {
  call.context.Response = { Headers: response.headers, StatusCode: response.status, StatusReason: reason };
}

export function exposeError(call: Call, error: { source: string; reason: string; message: string; section: string }): void {
  call.context.LastError = { Source: error.source, Reason: error.reason, Message: error.message, Scope: '', Section: error.section, Path: '', PolicyId: '' };
}

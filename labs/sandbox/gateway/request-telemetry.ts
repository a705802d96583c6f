/**
 * The `requests` item the gateway sends for each call when an Application Insights diagnostic is
 * attached to the API (or to All APIs), with the call's result and duration.
 */
import type { SandboxResponse } from '../core/exchange.ts';
import type { Call } from './call.ts';

/** A stable 0-99.99 bucket from the call's id, so sampling keeps a fixed share of calls. */
function samplingBucket(requestId: string): number {
  let hash = 0;
  for (let i = 0; i < requestId.length; i++) hash = (hash * 31 + requestId.charCodeAt(i)) >>> 0;
  return (hash % 10_000) / 100;
}

export function trackRequest(call: Call, response: SandboxResponse): void {
  const decision = call.telemetry();
  if ('reason' in decision) return;
  const { samplingPercentage, alwaysLogErrors } = decision.target;
  const kept = samplingPercentage >= 100 || samplingBucket(call.requestId) < samplingPercentage || (alwaysLogErrors && response.status >= 400);
  if (!kept) return;
  const { api, operation, template } = call.route;
  const apiPath = String(api.properties.path ?? '').replace(/^\/+|\/+$/g, '');
  const context = call.context as { Request: { Url: { ToString(): string } } };
  call.deps.telemetry.track({
    kind: 'request',
    time: call.startedAt,
    instrumentationKey: decision.target.instrumentationKey,
    name: `${call.request.method.toUpperCase()} ${apiPath ? `/${apiPath}` : ''}${template}`,
    url: context.Request.Url.ToString(),
    resultCode: String(response.status),
    durationMs: Math.max(0, call.deps.now() - call.startedAt),
    success: response.status < 400,
    operationId: call.requestId,
    dimensions: {
      'API Name': api.name,
      'API Revision': String(api.properties.apiRevision ?? '1'),
      'Operation Name': operation.name,
      'Subscription Name': call.caller?.subscription.name ?? '',
      'Product Name': call.caller?.product?.name ?? '',
      'User Name': call.userId ?? '',
      'HTTP Method': call.request.method.toUpperCase(),
      Region: String(call.service.location ?? ''),
      'Service Name': call.service.name,
      'Request Id': call.requestId,
    },
  });
}

/**
 * The API Management gateway of the sandbox: matches a call to an API and operation, checks the
 * subscription key, runs the effective policy (global → product → API → operation) and answers.
 * Runs unchanged in Node (mounted at `/apim/{serviceName}`) and in the browser playground.
 */
import type { SandboxRequest, SandboxResponse } from '../core/exchange.ts';
import type { Call } from './call.ts';
import { effectivePolicy } from './composition.ts';
import { buildContext } from './context.ts';
import type { Gateway, GatewayDeps } from './deps.ts';
import { telemetryTarget, type TelemetryDecision } from './diagnostics.ts';
import { internalServerError, invalidSubscriptionKey, missingSubscriptionKey, resourceNotFound } from './errors.ts';
import { runPipeline } from './pipeline.ts';
import { trackRequest } from './request-telemetry.ts';
import { apiRealmPath, findService, matchRoute } from './routing.ts';
import { checkSubscriptionKey, keyNames } from './subscriptions.ts';
import { TokenCounters } from './token-counters.ts';

export type { Gateway, GatewayDeps } from './deps.ts';

async function* afterStream(stream: AsyncIterable<string>, done: () => void): AsyncGenerator<string> {
  try {
    yield* stream;
  } finally {
    done();
  }
}

function ownerUserId(ownerId: unknown): string | undefined {
  const match = /\/users\/([^/]+)$/i.exec(String(ownerId ?? ''));
  return match ? match[1] : undefined;
}

/** A GUID for the call (`context.RequestId`); pages served over plain http lack `randomUUID`. */
function newRequestId(): string {
  if (typeof globalThis.crypto?.randomUUID === 'function') return globalThis.crypto.randomUUID();
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(Math.random() * 4)]}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

export function createGateway(deps: GatewayDeps): Gateway {
  const counters = new TokenCounters();
  const identityTokens = new Map<string, { token: string; until: number }>();
  const logged = new Set<string>();
  const logOnce = (message: string) => {
    if (logged.has(message)) return;
    logged.add(message);
    deps.log(message);
  };

  function finish(call: Call, response: SandboxResponse): SandboxResponse {
    if (response.stream) response.stream = afterStream(response.stream, () => trackRequest(call, response));
    else trackRequest(call, response);
    return response;
  }

  async function handle(serviceName: string, req: SandboxRequest): Promise<SandboxResponse> {
    const service = findService(deps.resources, serviceName);
    if (!service) return resourceNotFound();
    const route = matchRoute(deps.resources, service, req.method, req.path, req.query);
    if (!route) return resourceNotFound();

    const startedAt = deps.now();
    const gatewayUrl = String(service.properties.gatewayUrl ?? `https://127.0.0.1/apim/${service.name}`);
    let parsedBody: Record<string, unknown> | undefined | null = null;
    let telemetry: TelemetryDecision | undefined;
    const callBase = {
      deps,
      service,
      route,
      caller: undefined,
      userId: undefined,
      requestId: newRequestId(),
      startedAt,
      gatewayUrl,
      request: { method: req.method.toUpperCase(), path: req.path, query: new URLSearchParams(req.query), headers: { ...req.headers }, body: req.body, ip: req.ip },
      backend: { headers: {}, query: {} },
      response: undefined,
      variables: new Map<string, unknown>(),
      counters,
      identityTokens,
      usageHandlers: [],
      lateHeaders: [],
      requestJson() {
        if (parsedBody === null) {
          try {
            const value: unknown = JSON.parse(call.request.body);
            parsedBody = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
          } catch {
            parsedBody = undefined;
          }
        }
        return parsedBody;
      },
      resetRequestJson() {
        parsedBody = null;
      },
      telemetry() {
        telemetry ??= telemetryTarget(deps.resources, service, route.api);
        return telemetry;
      },
      logOnce,
    };
    const call: Call = { ...callBase, context: {} };

    const check = checkSubscriptionKey(deps.resources, service, route.api, req);
    if (check.outcome !== 'ok') {
      const realm = `${gatewayUrl}/${apiRealmPath(route.api)}`;
      const header = keyNames(route.api).header;
      call.context = buildContext(call);
      return finish(call, check.outcome === 'missing' ? missingSubscriptionKey(realm, header) : invalidSubscriptionKey(realm, header));
    }
    call.caller = check.caller;
    call.userId = ownerUserId(check.caller?.subscription.properties.ownerId);
    call.context = buildContext(call);

    try {
      const policy = effectivePolicy(deps.resources, service, call.caller?.product, route.api, route.operation);
      await runPipeline(call, policy);
    } catch (error) {
      deps.log(`Gateway error for ${req.method} ${req.path}: ${(error as Error).message}`);
      call.response = internalServerError(call.requestId);
    }
    return finish(call, call.response ?? internalServerError(call.requestId));
  }

  return { handle };
}

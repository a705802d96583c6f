/**
 * The API Management gateway of the sandbox: matches a call to an API and operation, checks the
 * subscription key, runs the effective policy (global → product → API → operation) and answers.
 * Runs unchanged in Node (mounted at `/apim/{serviceName}`) and in the browser playground.
 */
import type { SandboxRequest, SandboxResponse } from '../core/exchange.ts';
import { startCall, type Call, type GatewayState } from './call.ts';
import { effectivePolicy } from './composition.ts';
import { buildContext } from './context.ts';
import type { Gateway, GatewayDeps } from './deps.ts';
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

export function createGateway(deps: GatewayDeps): Gateway {
  const logged = new Set<string>();
  const shared: GatewayState = {
    counters: new TokenCounters(),
    identityTokens: new Map(),
    logOnce: (message) => {
      if (logged.has(message)) return;
      logged.add(message);
      deps.log(message);
    },
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

    const call = startCall(deps, shared, service, route, req);
    const check = checkSubscriptionKey(deps.resources, service, route.api, req);
    if (check.outcome !== 'ok') {
      const realm = `${call.gatewayUrl}/${apiRealmPath(route.api)}`;
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

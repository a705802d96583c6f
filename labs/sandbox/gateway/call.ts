/**
 * One call through the gateway: the matched service, API, operation and subscription, the request
 * as policies change it, the backend chosen, the response, context variables, and the work left
 * for when the backend's token usage is known.
 */
import type { SandboxRequest, SandboxResponse } from '../core/exchange.ts';
import type { ArmResource } from '../core/resources.ts';
import type { GatewayDeps } from './deps.ts';
import { telemetryTarget, type TelemetryDecision } from './diagnostics.ts';
import type { RouteMatch } from './routing.ts';
import type { CallerSubscription } from './subscriptions.ts';
import type { TokenCounters } from './token-counters.ts';

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** True when counted by the gateway (a stream without a usage chunk) rather than reported by the backend. */
  estimated: boolean;
}

/** The request as policies change it; `path` is the gateway path (below `/apim/{serviceName}`). */
export type OutgoingRequest = SandboxRequest;

export interface Call {
  deps: GatewayDeps;
  service: ArmResource;
  route: RouteMatch;
  caller: CallerSubscription | undefined;
  userId: string | undefined;
  requestId: string;
  startedAt: number;
  gatewayUrl: string;
  request: OutgoingRequest;
  backend: { baseUrl?: string; id?: string; headers: Record<string, string>; query: Record<string, string> };
  response: SandboxResponse | undefined;
  variables: Map<string, unknown>;
  /** The gateway's token-limit counters. */
  counters: TokenCounters;
  /** Managed-identity tokens the gateway holds, by principal and resource, until they near expiry. */
  identityTokens: Map<string, { token: string; until: number }>;
  /** The `context` object policy expressions see. */
  context: Record<string, unknown>;
  /** Run once the backend's token usage is known (or estimated, for streams). */
  usageHandlers: Array<(usage: TokenUsage) => void>;
  /** Response headers to add once usage is known (token-limit headers). */
  lateHeaders: Array<(usage: TokenUsage | undefined) => Record<string, string>>;
  requestJson(): Record<string, unknown> | undefined;
  /** Forgets the parsed request body after a policy replaced it. */
  resetRequestJson(): void;
  /** Where this call's telemetry goes, if anywhere (decided once per call). */
  telemetry(): TelemetryDecision;
  /** Logs a message once per gateway (for conditions that would otherwise repeat on every call). */
  logOnce(message: string): void;
}

/** True when the request body asks for a streamed answer. */
export function isStreamingRequest(call: Call): boolean {
  return call.requestJson()?.stream === true;
}

/** What all calls through one gateway share. */
export interface GatewayState {
  counters: TokenCounters;
  identityTokens: Map<string, { token: string; until: number }>;
  logOnce(message: string): void;
}

/** A GUID for the call (`context.RequestId`); pages served over plain http lack `randomUUID`. */
function newRequestId(): string {
  if (typeof globalThis.crypto?.randomUUID === 'function') return globalThis.crypto.randomUUID();
  const hex = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(Math.random() * 4)]}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** A new call for a matched route, before its subscription key is checked (`context` is built after). */
export function startCall(deps: GatewayDeps, shared: GatewayState, service: ArmResource, route: RouteMatch, req: SandboxRequest): Call {
  let parsedBody: Record<string, unknown> | undefined | null = null;
  let telemetry: TelemetryDecision | undefined;
  const call: Call = {
    deps,
    service,
    route,
    caller: undefined,
    userId: undefined,
    requestId: newRequestId(),
    startedAt: deps.now(),
    gatewayUrl: String(service.properties.gatewayUrl ?? `https://127.0.0.1/apim/${service.name}`),
    request: { method: req.method.toUpperCase(), path: req.path, query: new URLSearchParams(req.query), headers: { ...req.headers }, body: req.body, ip: req.ip },
    backend: { headers: {}, query: {} },
    response: undefined,
    variables: new Map<string, unknown>(),
    context: {},
    counters: shared.counters,
    identityTokens: shared.identityTokens,
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
    logOnce: shared.logOnce,
  };
  return call;
}

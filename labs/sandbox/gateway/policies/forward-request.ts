/**
 * `forward-request`: sends the call to the backend chosen by `set-backend-service` (or the API's
 * `serviceUrl`), without the subscription key, and makes the answer the call's response. Token
 * usage in the answer is handed to the token policies before `outbound` runs; a streamed answer
 * is watched as it passes and counted at its end.
 */
import type { SandboxRequest } from '../../core/exchange.ts';
import type { Call, TokenUsage } from '../call.ts';
import { exposeResponse } from '../context.ts';
import { keyNames } from '../subscriptions.ts';
import { usageFromBody, watchStream } from '../usage.ts';
import { PolicyError, type PolicyHandler, type PolicyOutcome } from './handler.ts';

function backendRequest(call: Call): { url: string; request: SandboxRequest } {
  const base = call.backend.baseUrl ?? (typeof call.route.api.properties.serviceUrl === 'string' ? call.route.api.properties.serviceUrl : '');
  if (base === '') throw new PolicyError('forward-request', 'BackendUrlMissing', 'No backend: the API has no serviceUrl and no set-backend-service policy chose one.');
  const names = keyNames(call.route.api);
  const query = new URLSearchParams(call.request.query);
  query.delete(names.query);
  for (const [name, value] of Object.entries(call.backend.query)) query.set(name, value);
  const headers: Record<string, string> = { ...call.request.headers, ...call.backend.headers };
  delete headers[names.header.toLowerCase()];
  delete headers.host;
  delete headers['content-length'];
  const target = new URL(`${base.replace(/\/+$/, '')}${call.route.suffix}`);
  query.forEach((value, name) => target.searchParams.append(name, value));
  const url = target.toString();
  return { url, request: { method: call.request.method, path: target.pathname, query: target.searchParams, headers, body: call.request.body, ip: call.request.ip } };
}

export function handUsage(call: Call, usage: TokenUsage | undefined): void {
  if (usage) for (const handler of call.usageHandlers) handler(usage);
}

function addLateHeaders(call: Call, usage: TokenUsage | undefined): void {
  if (!call.response) return;
  for (const headers of call.lateHeaders) Object.assign(call.response.headers, headers(usage));
}

export const forwardRequest: PolicyHandler = async (_element, call): Promise<PolicyOutcome> => {
  const { url, request } = backendRequest(call);
  let response;
  try {
    response = await call.deps.forward(url, request);
  } catch (error) {
    throw new PolicyError('forward-request', 'BackendConnectionFailure', `Error occured while calling backend service: ${(error as Error).message}`);
  }
  response = { ...response, headers: { ...response.headers } };
  call.response = response;
  exposeResponse(call, response);
  const watching = call.usageHandlers.length > 0 || call.lateHeaders.length > 0;
  if (!watching) return 'continue';
  if (response.stream) {
    addLateHeaders(call, undefined);
    response.stream = watchStream(call, response.stream, (usage) => handUsage(call, usage));
  } else {
    const usage = response.status < 400 ? usageFromBody(response.body ?? '') : undefined;
    handUsage(call, usage);
    addLateHeaders(call, usage);
  }
  return 'continue';
};

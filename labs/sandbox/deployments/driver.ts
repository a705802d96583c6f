/**
 * The deployment engine's way to the resource providers: each resource request goes through the
 * sandbox's own ARM handlers, in process, exactly as a direct SDK call would (same routes, same
 * validation, same long-running operations), so a template deployment and the step-by-step labs
 * end in the same state. Isomorphic: no Node modules.
 */
import { readResponseBody, type SandboxRequest, type SandboxResponse } from '../core/exchange.ts';
import type { JsonValue } from './functions.ts';
import { ResourceFailure, type ArmErrorBody, type ResourceDriver } from './run.ts';

export interface InProcessArm {
  /** Runs one ARM request through the sandbox's ARM surface. */
  arm(req: SandboxRequest): Promise<SandboxResponse>;
  /** The caller's `Authorization` header: the deployment acts with the deploying identity. */
  authorization: string;
  sleep(ms: number): Promise<void>;
  /** Longest wait for one resource's long-running operation (ms). */
  timeoutMs?: number;
}

const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);

function parse(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorOf(status: number, body: unknown): ArmErrorBody {
  const error = (body as { error?: ArmErrorBody } | undefined)?.error;
  if (error !== undefined && typeof error.code === 'string') {
    return { code: error.code, message: String(error.message ?? ''), ...(error.details ? { details: error.details } : {}) };
  }
  return { code: status >= 500 ? 'InternalServerError' : 'BadRequest', message: `The resource provider answered HTTP ${status}.` };
}

/** A path + query from an absolute polling URL on the sandbox. */
function localRequest(url: string): { path: string; query: URLSearchParams } {
  const parsed = new URL(url, 'https://sandbox.invalid');
  return { path: parsed.pathname, query: parsed.searchParams };
}

export function inProcessDriver(options: InProcessArm): ResourceDriver {
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;

  async function send(method: string, path: string, query: URLSearchParams, body?: JsonValue): Promise<{ status: number; headers: Record<string, string>; json: unknown }> {
    const req: SandboxRequest = {
      method,
      path,
      query,
      headers: {
        authorization: options.authorization,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        'user-agent': 'sandbox-template-deployment',
      },
      body: body === undefined ? '' : JSON.stringify(body),
      ip: '127.0.0.1',
    };
    const response = await options.arm(req);
    const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    return { status: response.status, headers, json: parse(await readResponseBody(response)) };
  }

  const versionQuery = (apiVersion: string): URLSearchParams => new URLSearchParams({ 'api-version': apiVersion });

  async function pause(headers: Record<string, string>): Promise<void> {
    const retryAfter = Number(headers['retry-after']);
    await options.sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 250) : 100);
  }

  /** Follows a long-running operation the way the SDKs do, until it ends. */
  async function waitForOperation(id: string, apiVersion: string, first: { status: number; headers: Record<string, string>; json: unknown }): Promise<void> {
    const started = Date.now();
    const tooLong = (): never => {
      throw new ResourceFailure(408, { code: 'ResourceDeploymentTimeout', message: `The resource '${id}' did not finish provisioning within ${Math.round(timeoutMs / 60000)} minutes.` });
    };
    const asyncUrl = first.headers['azure-asyncoperation'] ?? first.headers['operation-location'];
    if (asyncUrl !== undefined) {
      for (;;) {
        const { path, query } = localRequest(asyncUrl);
        const poll = await send('GET', path, query);
        if (poll.status >= 400) throw new ResourceFailure(poll.status, errorOf(poll.status, poll.json));
        const status = String((poll.json as { status?: string } | undefined)?.status ?? '').toLowerCase();
        if (status === 'succeeded') return;
        if (status === 'failed' || status === 'canceled') {
          const error = (poll.json as { error?: ArmErrorBody }).error;
          throw new ResourceFailure(400, error ?? { code: 'ResourceDeploymentFailure', message: `The resource operation completed with terminal provisioning state '${status}'.` });
        }
        if (Date.now() - started > timeoutMs) tooLong();
        await pause(poll.headers);
      }
    }
    const locationUrl = first.headers.location;
    if (first.status === 202 && locationUrl !== undefined) {
      for (;;) {
        const { path, query } = localRequest(locationUrl);
        const poll = await send('GET', path, query);
        if (poll.status >= 400) throw new ResourceFailure(poll.status, errorOf(poll.status, poll.json));
        if (poll.status !== 202) return;
        if (Date.now() - started > timeoutMs) tooLong();
        await pause(poll.headers);
      }
    }
    let state = String((first.json as { properties?: { provisioningState?: string } } | undefined)?.properties?.provisioningState ?? 'Succeeded');
    while (!TERMINAL.has(state.toLowerCase())) {
      if (Date.now() - started > timeoutMs) tooLong();
      await pause(first.headers);
      const poll = await send('GET', id, versionQuery(apiVersion));
      if (poll.status >= 400) throw new ResourceFailure(poll.status, errorOf(poll.status, poll.json));
      state = String((poll.json as { properties?: { provisioningState?: string } } | undefined)?.properties?.provisioningState ?? 'Succeeded');
    }
    if (state.toLowerCase() !== 'succeeded') {
      throw new ResourceFailure(400, { code: 'ResourceDeploymentFailure', message: `The resource operation completed with terminal provisioning state '${state}'.` });
    }
  }

  return {
    async put(id, apiVersion, body) {
      const first = await send('PUT', id, versionQuery(apiVersion), body);
      if (first.status >= 400) throw new ResourceFailure(first.status, errorOf(first.status, first.json));
      await waitForOperation(id, apiVersion, first);
      return { status: first.status };
    },
    async get(id, apiVersion) {
      const answer = await send('GET', id, versionQuery(apiVersion));
      if (answer.status === 404) return undefined;
      if (answer.status >= 400) throw new ResourceFailure(answer.status, errorOf(answer.status, answer.json));
      return (answer.json ?? {}) as JsonValue;
    },
    async post(id, action, apiVersion, body) {
      const answer = await send('POST', `${id.replace(/\/+$/, '')}/${action}`, versionQuery(apiVersion), body ?? undefined);
      if (answer.status >= 400) throw new ResourceFailure(answer.status, errorOf(answer.status, answer.json));
      return (answer.json ?? {}) as JsonValue;
    },
  };
}

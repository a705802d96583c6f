/**
 * `set-backend-service`: sends the call to a backend entity (`backend-id`: its `url` and
 * credentials) or to a `base-url`.
 */
import { resolveNamedValues } from '../named-values.ts';
import { attribute } from '../values.ts';
import { PolicyError, type PolicyHandler } from './handler.ts';

function firstValues(map: unknown, resolve: (text: string) => string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, values] of Object.entries((map ?? {}) as Record<string, unknown>)) {
    const list = Array.isArray(values) ? values : [values];
    result[name.toLowerCase()] = list.map((value) => resolve(String(value))).join(',');
  }
  return result;
}

export const setBackendService: PolicyHandler = (element, call) => {
  const baseUrl = attribute(call, element, 'base-url');
  if (baseUrl !== undefined) {
    call.backend = { baseUrl, id: undefined, headers: {}, query: {} };
    return 'continue';
  }
  const backendId = attribute(call, element, 'backend-id') ?? '';
  const backend = call.deps.resources.get(`${call.service.id}/backends/${backendId}`);
  if (!backend) throw new PolicyError('set-backend-service', 'BackendNotFound', `Backend with id '${backendId}' could not be found.`);
  const url = backend.properties.url;
  if (typeof url !== 'string' || url === '') {
    throw new PolicyError('set-backend-service', 'BackendNotSupported', `Backend '${backendId}' has no url; pool and Service Fabric backends are not run by the sandbox.`);
  }
  const resolve = (text: string) => resolveNamedValues(call.deps.resources, call.service, text);
  const credentials = (backend.properties.credentials ?? {}) as Record<string, unknown>;
  const headers = firstValues(credentials.header, resolve);
  const authorization = credentials.authorization as { scheme?: string; parameter?: string } | undefined;
  if (authorization?.scheme) headers.authorization = `${authorization.scheme} ${resolve(authorization.parameter ?? '')}`.trim();
  call.backend = { baseUrl: resolve(url), id: backend.name, headers, query: firstValues(credentials.query, resolve) };
  return 'continue';
};

/**
 * Matching an incoming call to an API (the longest `path` that prefixes the URL) and to one of its
 * operations (method plus URL template, e.g. `/deployments/{deployment-id}/chat/completions?api-version={api-version}`).
 */
import type { ArmResource, ResourceView } from '../core/resources.ts';

const SERVICE_TYPE = 'Microsoft.ApiManagement/service';

export interface RouteMatch {
  api: ArmResource;
  /** The URL path below the API's path, always starting with `/`. */
  suffix: string;
  operation: ArmResource;
  /** Template parameters from the path and the query. */
  parameters: Record<string, string>;
  /** The operation's URL template without its query part (for telemetry names). */
  template: string;
}

interface CompiledTemplate {
  pattern: RegExp;
  names: string[];
  requiredQuery: Array<[string, string | undefined]>;
  literalLength: number;
  pathTemplate: string;
}

const templates = new Map<string, CompiledTemplate>();

function compileTemplate(urlTemplate: string): CompiledTemplate {
  const cached = templates.get(urlTemplate);
  if (cached) return cached;
  const [pathPart, queryPart = ''] = urlTemplate.split('?', 2);
  const pathTemplate = `/${pathPart.replace(/^\/+/, '')}`;
  const names: string[] = [];
  let literalLength = 0;
  const source = pathTemplate.replace(/\{(\*?)([^}]+)\}|[^{]+/g, (piece, wildcard: string | undefined, name: string | undefined) => {
    if (name === undefined) {
      literalLength += piece.length;
      return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    names.push(name);
    return wildcard ? '(.*)' : '([^/]+)';
  });
  const requiredQuery = queryPart
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair): [string, string | undefined] => {
      const [key, value = ''] = pair.split('=', 2);
      const parameter = /^\{(.+)\}$/.exec(value);
      return [decodeURIComponent(key), parameter ? parameter[1] : undefined];
    });
  const compiled = { pattern: new RegExp(`^${source.replace(/\/$/, '')}/?$`, 'i'), names, requiredQuery, literalLength, pathTemplate };
  templates.set(urlTemplate, compiled);
  return compiled;
}

/** Service ids by lower-case name, so a call does not scan every resource to find its service. */
const serviceIds = new Map<string, string>();

export function findService(resources: ResourceView, serviceName: string): ArmResource | undefined {
  const wanted = serviceName.toLowerCase();
  const knownId = serviceIds.get(wanted);
  const known = knownId === undefined ? undefined : resources.get(knownId);
  if (known) return known;
  const found = resources.ofType(SERVICE_TYPE).find((service) => service.name.toLowerCase() === wanted);
  if (found) serviceIds.set(wanted, found.id);
  return found;
}

function apiPath(api: ArmResource): string {
  return String(api.properties.path ?? '').replace(/^\/+|\/+$/g, '');
}

/** The API whose path is the longest prefix of `path` (current revisions only). */
export function findApi(resources: ResourceView, service: ArmResource, path: string): { api: ArmResource; suffix: string } | undefined {
  const lowerPath = path.toLowerCase();
  let best: { api: ArmResource; suffix: string; length: number } | undefined;
  for (const api of resources.children(service.id, 'apis')) {
    if (api.name.includes(';') || api.properties.isCurrent === false) continue;
    const prefix = apiPath(api).toLowerCase();
    const matches = prefix === '' || lowerPath === `/${prefix}` || lowerPath.startsWith(`/${prefix}/`);
    if (!matches || (best && best.length >= prefix.length)) continue;
    best = { api, suffix: path.slice(prefix === '' ? 0 : prefix.length + 1) || '/', length: prefix.length };
  }
  return best && { api: best.api, suffix: best.suffix };
}

export function matchRoute(resources: ResourceView, service: ArmResource, method: string, path: string, query: URLSearchParams): RouteMatch | undefined {
  const found = findApi(resources, service, path);
  if (!found) return undefined;
  let best: (RouteMatch & { score: number }) | undefined;
  for (const operation of resources.children(found.api.id, 'operations')) {
    const operationMethod = String(operation.properties.method ?? '').toUpperCase();
    if (operationMethod !== method.toUpperCase() && operationMethod !== '*') continue;
    const template = compileTemplate(String(operation.properties.urlTemplate ?? '/'));
    const match = template.pattern.exec(found.suffix);
    if (!match) continue;
    if (template.requiredQuery.some(([key]) => !query.has(key))) continue;
    const parameters: Record<string, string> = {};
    template.names.forEach((name, i) => {
      parameters[name] = decodeURIComponent(match[i + 1]);
    });
    for (const [key, parameter] of template.requiredQuery) if (parameter) parameters[parameter] = query.get(key) ?? '';
    const score = template.literalLength * 10 + template.requiredQuery.length;
    if (best && best.score >= score) continue;
    best = { api: found.api, suffix: found.suffix, operation, parameters, template: template.pathTemplate, score };
  }
  if (!best) return undefined;
  const { score: _score, ...route } = best;
  return route;
}

export function apiRealmPath(api: ArmResource): string {
  return apiPath(api);
}

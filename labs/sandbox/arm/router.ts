/**
 * Path matching for ARM routes. A pattern such as
 * `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}` matches case-insensitively
 * on its literal segments and captures the `{...}` ones (percent-decoded). A leading `{*scope}`
 * captures any run of segments (role assignments live under any resource's scope).
 */
import type { SandboxRequest, SandboxResponse } from '../core/exchange.ts';
import type { ApiVersions } from './api-versions.ts';

export type RouteParams = Record<string, string>;

export interface Route<C> {
  methods: string[];
  pattern: string;
  /** The api-versions this route accepts (checked before `handle`). */
  versions: ApiVersions;
  handle(ctx: C, params: RouteParams): Promise<SandboxResponse> | SandboxResponse;
}

interface CompiledRoute<C> extends Route<C> {
  segments: string[];
  scoped: boolean;
}

function split(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchSegments(patternSegments: string[], pathSegments: string[], offset: number): RouteParams | undefined {
  if (pathSegments.length - offset !== patternSegments.length) return undefined;
  const params: RouteParams = {};
  for (let i = 0; i < patternSegments.length; i++) {
    const pattern = patternSegments[i];
    const actual = pathSegments[i + offset];
    if (pattern.startsWith('{')) params[pattern.slice(1, -1)] = decode(actual);
    else if (pattern.toLowerCase() !== actual.toLowerCase()) return undefined;
  }
  return params;
}

export class Router<C> {
  private readonly routes: CompiledRoute<C>[] = [];

  add(route: Route<C>): this {
    const segments = split(route.pattern);
    const scoped = segments[0] === '{*scope}';
    this.routes.push({ ...route, segments: scoped ? segments.slice(1) : segments, scoped });
    return this;
  }

  /** The route for this path: `{ route, params }`, `'method'` when only the method is wrong, or undefined. */
  match(req: SandboxRequest): { route: Route<C>; params: RouteParams } | 'method' | undefined {
    const pathSegments = split(req.path);
    let methodMismatch = false;
    for (const route of this.routes) {
      const offset = route.scoped ? pathSegments.length - route.segments.length : 0;
      if (offset < 0 || (route.scoped && offset < 2)) continue;
      const params = matchSegments(route.segments, pathSegments, offset);
      if (params === undefined) continue;
      if (route.scoped) params.scope = `/${pathSegments.slice(0, offset).map(decode).join('/')}`;
      if (!route.methods.includes(req.method)) {
        methodMismatch = true;
        continue;
      }
      return { route, params };
    }
    return methodMismatch ? 'method' : undefined;
  }
}

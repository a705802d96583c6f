/**
 * The ARM surface: checks the bearer token (Azure's 401 `InvalidAuthenticationToken`), finds the
 * route, checks the api-version, runs the handler, and turns every failure into ARM's error JSON
 * (an unexpected one into a 500 whose details go to the log only, never to the client).
 */
import { randomUUID } from 'node:crypto';
import type { SandboxRequest, SandboxResponse } from '../core/exchange.ts';
import type { TokenService } from '../identity.ts';
import { bearerToken } from '../identity.ts';
import type { ResourceStore } from '../store.ts';
import { checkApiVersion, operationsApi } from './api-versions.ts';
import { apiRoutes } from './apim-apis.ts';
import { backendRoutes } from './apim-backends.ts';
import { apiDiagnosticRoutes, serviceDiagnosticRoutes } from './apim-diagnostics.ts';
import { loggerRoutes } from './apim-loggers.ts';
import { namedValueRoutes } from './apim-named-values.ts';
import { policyRouteList } from './apim-policies.ts';
import { apimServiceRoutes } from './apim-service.ts';
import { subscriptionRoutes } from './apim-subscriptions.ts';
import { cognitiveAccountRoutes } from './cognitive-accounts.ts';
import { cognitiveDeploymentRoutes } from './cognitive-deployments.ts';
import type { ArmContext, PolicyValidator } from './context.ts';
import { ArmError, internalError, invalidAuthenticationToken } from './errors.ts';
import { handleOperationResult, handleOperationStatus } from './lro.ts';
import { componentRoutes } from './insights-components.ts';
import { resourceGroupRoutes } from './resource-groups.ts';
import { roleAssignmentRoutes } from './role-assignments.ts';
import { type Route, Router } from './router.ts';
import { softDeleteRoutes } from './soft-delete.ts';
import { workspaceRoutes } from './workspaces.ts';

export interface ArmDeps {
  store: ResourceStore;
  tokens: TokenService;
  /** `https://127.0.0.1:{port}`, known once the server listens. */
  origin(): string;
  /** Token audiences ARM accepts (normalized). */
  audiences(): Set<string>;
  provisioningDelayMs: number;
  now(): number;
  log(message: string): void;
  validatePolicy(): PolicyValidator | undefined;
  /** Extra routes plugged in by other parts (e.g. template deployments). */
  extraRoutes?: Route<ArmContext>[];
}

const operationRoutes: Route<ArmContext>[] = [
  {
    methods: ['GET'],
    pattern: '{*scope}/operationstatuses/{operationId}',
    versions: operationsApi,
    handle: (ctx, p) => handleOperationStatus(ctx, p.scope, p.operationId),
  },
  {
    methods: ['GET'],
    pattern: '{*scope}/operationresults/{operationId}',
    versions: operationsApi,
    handle: (ctx, p) => handleOperationResult(ctx, p.scope, p.operationId),
  },
];

export function createArm(deps: ArmDeps): { handle(req: SandboxRequest): Promise<SandboxResponse> } {
  const router = new Router<ArmContext>();
  for (const route of [
    ...operationRoutes,
    ...resourceGroupRoutes,
    ...softDeleteRoutes,
    ...cognitiveAccountRoutes,
    ...cognitiveDeploymentRoutes,
    ...apimServiceRoutes,
    ...apiRoutes,
    ...policyRouteList,
    ...backendRoutes,
    ...namedValueRoutes,
    ...subscriptionRoutes,
    ...loggerRoutes,
    ...serviceDiagnosticRoutes,
    ...apiDiagnosticRoutes,
    ...workspaceRoutes,
    ...componentRoutes,
    ...roleAssignmentRoutes,
    ...(deps.extraRoutes ?? []),
  ]) {
    router.add(route);
  }

  function authenticate(req: SandboxRequest): string {
    const token = bearerToken(req.headers);
    if (token === undefined) throw invalidAuthenticationToken("Authentication failed. The 'Authorization' header is missing.");
    const checked = deps.tokens.check(token);
    if ('problem' in checked) {
      if (checked.problem === 'expired') {
        throw invalidAuthenticationToken(
          `The access token expiry UTC time '${new Date((checked.expiresOn ?? 0) * 1000).toISOString()}' is earlier than current UTC time '${new Date(deps.now()).toISOString()}'.`,
        );
      }
      throw invalidAuthenticationToken('The access token is invalid. Get a token from the sandbox token endpoint (IDENTITY_ENDPOINT).');
    }
    if (!deps.audiences().has(checked.audience)) {
      throw invalidAuthenticationToken(
        `The access token has been obtained for wrong audience or resource '${checked.audience}'. It should exactly match with one of the allowed audiences ${[...deps.audiences()].map((a) => `'${a}'`).join(',')}.`,
      );
    }
    return checked.principalId;
  }

  /** Azure's tracing headers on every ARM answer (the client's request id echoed, a fresh correlation id). */
  function withRequestIds(req: SandboxRequest, response: SandboxResponse): SandboxResponse {
    const requestId = randomUUID();
    const ids: Record<string, string> = { 'x-ms-request-id': requestId, 'x-ms-correlation-request-id': requestId };
    const clientId = req.headers['x-ms-client-request-id'];
    if (clientId !== undefined) ids['x-ms-client-request-id'] = clientId;
    return { ...response, headers: { ...ids, ...response.headers } };
  }

  async function handle(req: SandboxRequest): Promise<SandboxResponse> {
    return withRequestIds(req, await answer(req));
  }

  async function answer(req: SandboxRequest): Promise<SandboxResponse> {
    try {
      const principalId = authenticate(req);
      const match = router.match(req);
      if (match === 'method') {
        throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
      }
      if (match === undefined) {
        throw new ArmError(
          400,
          'InvalidResourceType',
          `The sandbox does not emulate '${req.method} ${req.path}'. It emulates the resource types the labs use; the sandbox page lists them.`,
        );
      }
      const apiVersion = req.query.get('api-version');
      const versionError = checkApiVersion(apiVersion, match.route.versions);
      if (versionError !== undefined) throw versionError;
      const ctx: ArmContext = {
        req,
        store: deps.store,
        now: deps.now,
        origin: deps.origin(),
        apiVersion: apiVersion as string,
        provisioningDelayMs: deps.provisioningDelayMs,
        principalId,
        log: deps.log,
        validatePolicy: deps.validatePolicy(),
      };
      return await match.route.handle(ctx, match.params);
    } catch (error) {
      if (error instanceof ArmError) return error.toResponse();
      deps.log(`ARM ${req.method} ${req.path} failed unexpectedly: ${(error as Error)?.stack ?? String(error)}`);
      return internalError().toResponse();
    }
  }

  return { handle };
}

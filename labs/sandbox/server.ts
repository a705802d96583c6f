/**
 * The local sandbox server: one HTTPS listener on 127.0.0.1 that hosts every emulated Azure
 * surface under its own mount point, plus the managed-identity token endpoint.
 *
 *   /msi/token            managed-identity tokens (App Service protocol)
 *   /subscriptions/..., /providers/...   Azure Resource Manager
 *   /apim/{service}/...   API Management gateway
 *   /aoai/{subdomain}/... Azure OpenAI data plane
 *   /v1/... (and the same paths without /v1)   Logs query API
 *
 * `startSandbox()` is used by `npm run sandbox` (main.ts), the lab launcher, tests and benchmarks.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { jsonResponse, type SandboxRequest, type SandboxResponse } from './core/exchange.ts';
import type { ResourceView } from './core/resources.ts';
import type { TelemetrySink } from './core/telemetry.ts';
import { createArm } from './arm/index.ts';
import { deploymentsApi } from './arm/api-versions.ts';
import { deploymentRoutes } from './deployments/routes.ts';
import { createModel } from './model/index.ts';
import { createTelemetry } from './telemetry/index.ts';
import { createGateway } from './gateway/index.ts';
import type { ArmContext, PolicyValidator } from './arm/context.ts';
import type { Route } from './arm/router.ts';
import { HOST } from './config.ts';
import { BodyTooLargeError, toSandboxRequest, writeSandboxResponse } from './http.ts';
import { audiences, bearerToken, handleTokenRequest, loadOrCreateSecrets, normalizeAudience, TokenService } from './identity.ts';
import { ResourceStore } from './store.ts';
import { ensureCertificate } from './tls.ts';

export interface SandboxOptions {
  port?: number;
  stateDir: string;
  provisioningDelayMs?: number;
  ingestionDelayMs?: number;
  modelLatency?: { firstTokenMs: number; tokensPerSecond: number };
  quiet?: boolean;
}

export interface RunningSandbox {
  url: string;
  port: number;
  stateDir: string;
  certPath: string;
  subscriptionId: string;
  identityHeader: string;
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** Everything the server offers the surfaces it hosts. */
export interface SurfaceDeps {
  stateDir: string;
  resources: ResourceView;
  /** `https://127.0.0.1:{port}` */
  origin(): string;
  now(): number;
  sleep(ms: number): Promise<void>;
  log(message: string): void;
  ingestionDelayMs: number;
  modelLatency?: { firstTokenMs: number; tokensPerSecond: number };
  /** The principal and audience of a sandbox-issued bearer token, if valid and unexpired. */
  verifyBearer(token: string): { principalId: string; audience: string } | undefined;
  /** A token for a resource's managed identity (e.g. an APIM service's `identity.principalId`). */
  managedIdentityToken(principalId: string, resource: string): Promise<string>;
}

export interface TelemetrySurface {
  sink: TelemetrySink;
  /** Answers the Logs query API; `req.path` is below `/v1` (e.g. `/workspaces/{id}/query`). */
  query(req: SandboxRequest): Promise<SandboxResponse>;
  close?(): Promise<void>;
}
export interface ModelSurface {
  handle(subdomain: string, req: SandboxRequest): Promise<SandboxResponse>;
}
export interface GatewaySurface {
  handle(serviceName: string, req: SandboxRequest): Promise<SandboxResponse>;
}

interface SurfaceTable {
  telemetry(deps: SurfaceDeps): Promise<TelemetrySurface> | TelemetrySurface;
  model(deps: SurfaceDeps & { telemetry: TelemetrySink }): Promise<ModelSurface> | ModelSurface;
  gateway(deps: SurfaceDeps & { telemetry: TelemetrySink; forward(url: string, req: SandboxRequest): Promise<SandboxResponse> }): Promise<GatewaySurface> | GatewaySurface;
  /** Extra ARM routes (e.g. template deployments); `arm` runs any ARM request in process. */
  armRoutes(deps: SurfaceDeps & { arm(req: SandboxRequest): Promise<SandboxResponse> }): Route<ArmContext>[];
}

/** A 501 answer for a surface that this build does not include. */
function notAvailable(surface: string): SandboxResponse {
  return jsonResponse(501, {
    error: { code: 'NotImplemented', message: `${surface} is not available in this build of the sandbox.` },
    statusCode: 501,
    message: `${surface} is not available in this build of the sandbox.`,
  });
}

// ---------------------------------------------------------------------------------------------
// The surfaces this server hosts. Each line is replaced by its owner's factory once it exists,
// e.g. `gateway: (deps) => createGateway(deps),` with the import added at the top of this file.
// ---------------------------------------------------------------------------------------------
const surfaces: SurfaceTable = {
  telemetry: (deps) => createTelemetry(deps),
  model: (deps) => createModel({ resources: deps.resources, verifyBearer: deps.verifyBearer, now: deps.now, latency: deps.modelLatency, sleep: deps.sleep }),
  gateway: (deps) => createGateway(deps),
  armRoutes: (deps) => deploymentRoutes(deps, deploymentsApi),
};

/** `validatePolicyXml` from the policy engine when the engine is part of this build. */
async function loadPolicyValidator(log: (message: string) => void): Promise<PolicyValidator | undefined> {
  const specifier = './policy/index.ts';
  if (!existsSync(join(import.meta.dirname, 'policy', 'index.ts'))) return undefined;
  try {
    const module = (await import(specifier)) as { validatePolicyXml?: PolicyValidator };
    return module.validatePolicyXml;
  } catch (error) {
    log(`The policy engine could not be loaded; policies are stored unvalidated: ${(error as Error).message}`);
    return undefined;
  }
}

/** A Logs query request: `/v1/...`, or the same paths without `/v1` as LogsQueryClient sends them. */
function logsPath(req: SandboxRequest): string | undefined {
  if (/^\/v1(\/|$)/i.test(req.path)) return req.path.slice(3) || '/';
  if (req.query.has('api-version')) return undefined;
  if (/^\/(workspaces|apps)\//i.test(req.path) || /^\/\$batch$/i.test(req.path)) return req.path;
  if (/^\/subscriptions\/.+\/query$/i.test(req.path)) return req.path;
  return undefined;
}

function logsUnauthorized(code: string, message: string): SandboxResponse {
  return jsonResponse(401, { error: { message, code, correlationId: crypto.randomUUID() } });
}

function mount(prefix: string, req: SandboxRequest): { name: string; rest: SandboxRequest } | undefined {
  const match = new RegExp(`^/${prefix}/([^/]+)(/.*)?$`, 'i').exec(req.path);
  if (match === null) return undefined;
  let name = match[1];
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep the raw segment
  }
  return { name, rest: { ...req, path: match[2] ?? '/' } };
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const quiet = options.quiet ?? false;
  const log = (message: string): void => {
    if (!quiet) console.log(`[sandbox ${new Date().toISOString().slice(11, 19)}] ${message}`);
  };
  const now = (): number => Date.now();
  const stateDir = options.stateDir;
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const certificate = await ensureCertificate(stateDir);
  const secrets = loadOrCreateSecrets(stateDir);
  const store = ResourceStore.open(stateDir, now);
  const tokens = new TokenService(secrets, store.tenantId, now);
  let origin = '';
  const armAudiences = (): Set<string> =>
    new Set([audiences.arm, audiences.armClassic, origin, origin.replace('127.0.0.1', 'localhost')].map(normalizeAudience));
  const knownAudiences = (): Set<string> =>
    new Set([...armAudiences(), ...[audiences.logs, audiences.logsAlias, audiences.appInsights, audiences.cognitiveServices].map(normalizeAudience)]);
  const logsAudiences = new Set([audiences.logs, audiences.logsAlias, audiences.appInsights].map(normalizeAudience));
  let validator: PolicyValidator | undefined = await loadPolicyValidator(log);

  const deps: SurfaceDeps = {
    stateDir,
    resources: store,
    origin: () => origin,
    now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log,
    ingestionDelayMs: options.ingestionDelayMs ?? 3000,
    modelLatency: options.modelLatency,
    verifyBearer: (token) => {
      const verified = tokens.verify(token);
      return verified === undefined ? undefined : { principalId: verified.principalId, audience: verified.audience };
    },
    managedIdentityToken: async (principalId, resource) => tokens.issue(principalId, resource).token,
  };
  const telemetry = await surfaces.telemetry(deps);
  const model = await surfaces.model({ ...deps, telemetry: telemetry.sink });
  const forward = async (url: string, req: SandboxRequest): Promise<SandboxResponse> => {
    const target = new URL(url);
    const inProcess = ['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname) ? mount('aoai', { ...req, path: target.pathname }) : undefined;
    if (inProcess === undefined) {
      return jsonResponse(502, { statusCode: 502, message: `The sandbox gateway forwards only to the sandbox's own Azure OpenAI endpoints (${origin}/aoai/...); '${url}' is outside the sandbox.` });
    }
    const query = new URLSearchParams(req.query);
    for (const [key, value] of target.searchParams) query.set(key, value);
    return model.handle(inProcess.name, { ...inProcess.rest, query });
  };
  const gateway = await surfaces.gateway({ ...deps, telemetry: telemetry.sink, forward });
  let arm: ReturnType<typeof createArm> | undefined;
  const armInProcess = (req: SandboxRequest): Promise<SandboxResponse> => (arm as ReturnType<typeof createArm>).handle(req);
  arm = createArm({
    store,
    tokens,
    origin: () => origin,
    audiences: armAudiences,
    provisioningDelayMs: options.provisioningDelayMs ?? 0,
    now,
    log,
    validatePolicy: () => validator,
    extraRoutes: surfaces.armRoutes({ ...deps, arm: armInProcess }),
  });

  async function dispatch(req: SandboxRequest): Promise<SandboxResponse> {
    if (/^\/msi\/token\/?$/i.test(req.path)) {
      return handleTokenRequest(req, { secrets, tokens, learnerPrincipalId: store.learnerPrincipalId, knownAudiences });
    }
    const apim = mount('apim', req);
    if (apim !== undefined) return gateway.handle(apim.name, apim.rest);
    const aoai = mount('aoai', req);
    if (aoai !== undefined) return model.handle(aoai.name, aoai.rest);
    const logs = logsPath(req);
    if (logs !== undefined) {
      const token = bearerToken(req.headers);
      if (token === undefined) return logsUnauthorized('AuthorizationRequiredError', 'Valid authentication was not provided');
      const verified = tokens.verify(token);
      if (verified === undefined || !logsAudiences.has(verified.audience)) {
        return logsUnauthorized('InvalidTokenError', 'The provided authentication is not valid for this resource');
      }
      return telemetry.query({ ...req, path: logs });
    }
    if (/^\/(subscriptions|providers)(\/|$)/i.test(req.path)) return (arm as ReturnType<typeof createArm>).handle(req);
    if (req.path === '/' && req.method === 'GET') {
      return jsonResponse(200, { name: 'Local Azure sandbox', subscriptionId: store.subscriptionId, armEndpoint: origin, logsEndpoint: `${origin}/v1` });
    }
    return jsonResponse(404, { error: { code: 'NotFound', message: `Nothing is served at '${req.path}'. The sandbox serves /subscriptions/..., /apim/{service}/..., /aoai/{subdomain}/..., /v1/... and /msi/token.` } });
  }

  const server: Server = createServer({ key: certificate.key, cert: certificate.cert }, (incoming, outgoing) => {
    const started = now();
    void (async () => {
      let response: SandboxResponse;
      let method = incoming.method ?? 'GET';
      let path = incoming.url ?? '/';
      try {
        const req = await toSandboxRequest(incoming);
        method = req.method;
        path = req.path;
        response = await dispatch(req);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          response = jsonResponse(413, { error: { code: 'RequestEntityTooLarge', message: error.message } });
        } else {
          log(`${method} ${path} failed unexpectedly: ${(error as Error)?.stack ?? String(error)}`);
          response = jsonResponse(500, { error: { code: 'InternalServerError', message: 'The sandbox hit an unexpected error while processing the request. The sandbox log has the details.' } });
        }
      }
      try {
        await writeSandboxResponse(outgoing, response, method);
      } catch (error) {
        log(`Writing the response to ${method} ${path} failed: ${(error as Error).message}`);
        outgoing.destroy();
      }
      log(`${method} ${path} → ${response.status} (${now() - started} ms)`);
    })();
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `https://${HOST}:${port}`;
  validator ??= await loadPolicyValidator(log);
  log(`listening on ${origin} (state in ${stateDir})`);

  const env = (): Record<string, string> => sandboxEnv({ origin, certPath: certificate.certPath, identityHeader: secrets.identityHeader, subscriptionId: store.subscriptionId });
  return {
    url: origin,
    port,
    stateDir,
    certPath: certificate.certPath,
    subscriptionId: store.subscriptionId,
    identityHeader: secrets.identityHeader,
    env,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await telemetry.close?.();
    },
  };
}

/** The variables that point stock Azure SDK clients (and the labs) at a sandbox. */
export function sandboxEnv(values: { origin: string; certPath: string; identityHeader: string; subscriptionId: string }): Record<string, string> {
  return {
    NODE_EXTRA_CA_CERTS: values.certPath,
    IDENTITY_ENDPOINT: `${values.origin}/msi/token`,
    IDENTITY_HEADER: values.identityHeader,
    AZURE_SUBSCRIPTION_ID: values.subscriptionId,
    LAB_ARM_ENDPOINT: values.origin,
    LAB_LOGS_ENDPOINT: `${values.origin}/v1`,
  };
}

/**
 * The sandbox, assembled in the page: the sandbox's own policy validation, gateway, model,
 * telemetry and KQL engine, wired to in-memory resources instead of the durable ARM store, an
 * in-page managed identity instead of the token endpoint, and timers instead of a journal.
 *
 * No React and no browser API here, so the same assembly runs under Node in the tests that
 * prove the playground answers exactly as the sandbox does.
 */
import type { SandboxRequest, SandboxResponse } from '../../../labs/sandbox/core/exchange.ts';
import type { TelemetryItem, TelemetrySink } from '../../../labs/sandbox/core/telemetry.ts';
import { createGateway } from '../../../labs/sandbox/gateway/index.ts';
import { KqlError, runKql } from '../../../labs/sandbox/kql/index.ts';
import type { KqlResultTable } from '../../../labs/sandbox/kql/types.ts';
import { createModel, splitModelUrl, type ModelLatency } from '../../../labs/sandbox/model/index.ts';
import { validatePolicyXml, type PolicyValidationError } from '../../../labs/sandbox/policy/index.ts';
import { createMemoryTelemetry, DEFAULT_INGESTION_DELAY_MS } from '../../../labs/sandbox/telemetry/memory.ts';
import { MemoryResources } from './memoryResources.ts';
import { ids, playgroundResources } from './playgroundResources.ts';
import { PLAYGROUND_NAMES, SYSTEM_PROMPT, keyFor, type RequestSettings } from './presets.ts';

/** The sandbox's own ingestion delay: rows show up this long after the call, as they do in the labs. */
export const PLAYGROUND_INGESTION_DELAY_MS = DEFAULT_INGESTION_DELAY_MS;

/** Pacing of the model in the page, so a streamed answer visibly arrives token by token. */
export const PLAYGROUND_MODEL_LATENCY: ModelLatency = { firstTokenMs: 250, tokensPerSecond: 40 };

/** The Azure settings token metrics depend on, each one a switch in the page. */
export interface Prerequisites {
  /** The API's `applicationinsights` diagnostic has `"metrics": true`. */
  diagnosticMetrics: boolean;
  /** The Application Insights component has `CustomMetricsOptedInType: WithDimensions`. */
  customMetricsWithDimensions: boolean;
  /** APIM's managed identity holds Cognitive Services OpenAI User on the Azure OpenAI account. */
  openAiRoleAssignment: boolean;
}

export type PolicySaveResult =
  | { ok: true }
  | { ok: false; error: PolicyValidationError; position: { line: number; column: number } | null };

export type QueryOutcome =
  | { kind: 'result'; table: KqlResultTable; elapsedMs: number }
  | { kind: 'error'; message: string; line: number; column: number; errorKind: string };

export interface TelemetryView {
  /** `customMetrics` as a query sees it now, newest first. */
  metrics: KqlResultTable;
  /** Items the gateway sent that are not visible to queries yet. */
  pending: number;
  /** What the sandbox logged (dropped metrics, dimensions stripped, ...), oldest first. */
  log: string[];
}

export interface PlaygroundSandboxOptions {
  ingestionDelayMs?: number;
  modelLatency?: ModelLatency;
  /** The caller's address as the gateway sees it (`context.Request.IpAddress`). */
  ip?: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  setTimer?: (callback: () => void, ms: number) => unknown;
}

export interface PlaygroundSandbox {
  /** Validates the policy as the ARM route does and, when valid, makes it the API's policy. */
  savePolicy(xml: string): PolicySaveResult;
  prerequisites(): Prerequisites;
  setPrerequisite(key: keyof Prerequisites, on: boolean): void;
  /** Sends the request panel's chat completion through the gateway. */
  send(settings: RequestSettings): Promise<SandboxResponse>;
  /** Sends any request to the gateway, as the sandbox server would hand it over. */
  handle(req: SandboxRequest): Promise<SandboxResponse>;
  telemetry(): TelemetryView;
  /** Runs KQL over the Application Insights tables (`customMetrics`, `requests`). */
  query(kql: string): QueryOutcome;
  /** Called when telemetry arrives or the log grows; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Back to the lesson's starting point: fresh resources, no telemetry, no log. */
  reset(): void;
  readonly resources: MemoryResources;
}

const METRICS_VIEW = 'customMetrics | project timestamp, name, value, valueCount, valueSum, customDimensions | order by timestamp desc';
const LOG_LIMIT = 50;

/** `line 3, column 10` from a ValidationError detail, for marking it in the editor. */
export function errorPosition(error: PolicyValidationError): { line: number; column: number } | null {
  for (const detail of error.details) {
    const match = /line (\d+), column (\d+)/.exec(detail.message);
    if (match) return { line: Number(match[1]), column: Number(match[2]) };
  }
  return null;
}

/** Managed-identity tokens that only this page issues and accepts (nothing to sign: they never leave it). */
function pageIdentity() {
  const PREFIX = 'playground-mi.';
  return {
    issue: (principalId: string, audience: string) => PREFIX + encodeURIComponent(JSON.stringify({ principalId, audience })),
    verify: (token: string): { principalId: string; audience: string } | undefined => {
      if (!token.startsWith(PREFIX)) return undefined;
      try {
        const claims = JSON.parse(decodeURIComponent(token.slice(PREFIX.length))) as { principalId?: unknown; audience?: unknown };
        return typeof claims.principalId === 'string' && typeof claims.audience === 'string'
          ? { principalId: claims.principalId, audience: claims.audience }
          : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** The chat completion request the request panel describes, as the gateway receives it. */
export function chatRequest(settings: RequestSettings, ip: string): SandboxRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  const key = keyFor(settings.key);
  if (key !== undefined) headers['api-key'] = key;
  if (settings.userId.trim() !== '') headers['x-user-id'] = settings.userId.trim();
  const body: Record<string, unknown> = {
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: settings.prompt },
    ],
    max_tokens: settings.maxTokens,
  };
  if (settings.stream) {
    body.stream = true;
    if (settings.includeUsage) body.stream_options = { include_usage: true };
  }
  return {
    method: 'POST',
    path: `/${PLAYGROUND_NAMES.apiPath}/deployments/${PLAYGROUND_NAMES.deployment}/chat/completions`,
    query: new URLSearchParams({ 'api-version': PLAYGROUND_NAMES.apiVersion }),
    headers,
    body: JSON.stringify(body),
    ip,
  };
}

export function createPlaygroundSandbox(options: PlaygroundSandboxOptions = {}): PlaygroundSandbox {
  const ingestionDelayMs = options.ingestionDelayMs ?? PLAYGROUND_INGESTION_DELAY_MS;
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const ip = options.ip ?? '127.0.0.1';
  const identity = pageIdentity();
  const setTimer = options.setTimer ?? ((callback: () => void, ms: number) => setTimeout(callback, ms));
  const listeners = new Set<() => void>();
  let notifyScheduled = false;
  // One notification per turn of the event loop, however many items a call produced.
  const notify = () => {
    if (notifyScheduled) return;
    notifyScheduled = true;
    setTimer(() => {
      notifyScheduled = false;
      listeners.forEach((listener) => listener());
    }, 0);
  };

  let policyXml = '<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>';
  let resources = new MemoryResources(playgroundResources(policyXml));
  let log: string[] = [];
  let pending = 0;
  let generation = 0;

  const addLog = (message: string) => {
    log = [...log, message].slice(-LOG_LIMIT);
    notify();
  };

  function assemble() {
    const telemetry = createMemoryTelemetry({ resources, now, ingestionDelayMs, log: addLog });
    const model = createModel({ resources, verifyBearer: identity.verify, now, latency: options.modelLatency, sleep });
    const sink: TelemetrySink = {
      track(item: TelemetryItem) {
        telemetry.sink.track(item);
        const born = generation;
        pending += 1;
        notify();
        // A little after the delay, the row is visible to queries: tell the page to look again.
        setTimer(() => {
          if (born !== generation) return;
          pending -= 1;
          notify();
        }, ingestionDelayMs + 5);
      },
    };
    const gateway = createGateway({
      resources,
      telemetry: sink,
      async forward(url: string, req: SandboxRequest) {
        const target = splitModelUrl(url);
        if (target === undefined) throw new Error(`The playground has no backend at ${url}.`);
        const query = new URLSearchParams(req.query);
        for (const [key, value] of target.query) query.set(key, value);
        return model.handle(target.subdomain, { ...req, path: target.path, query });
      },
      managedIdentityToken: async (principalId: string, resource: string) => identity.issue(principalId, resource),
      now,
      log: addLog,
    });
    return { telemetry, gateway };
  }

  let parts = assemble();

  const current = (): Prerequisites => ({
    diagnosticMetrics: resources.get(ids.apiDiagnostic)?.properties.metrics === true,
    customMetricsWithDimensions: resources.get(ids.appInsights)?.properties.CustomMetricsOptedInType === 'WithDimensions',
    openAiRoleAssignment: resources.get(ids.roleAssignment) !== undefined,
  });

  const roleAssignment = playgroundResources(policyXml).find((resource) => resource.id === ids.roleAssignment)!;

  function query(kql: string): QueryOutcome {
    const started = now();
    try {
      const source = parts.telemetry.appSource(PLAYGROUND_NAMES.appInsightsAppId) ?? { table: () => undefined };
      const result = runKql(kql, source, { now: now() });
      return { kind: 'result', table: result.tables[0]!, elapsedMs: Math.max(0, now() - started) };
    } catch (error) {
      if (!(error instanceof KqlError)) throw error;
      return { kind: 'error', message: error.message, line: error.line, column: error.column, errorKind: error.kind };
    }
  }

  return {
    get resources() {
      return resources;
    },

    savePolicy(xml) {
      const result = validatePolicyXml(xml, 'api');
      if (!result.ok) return { ok: false, error: result.error, position: errorPosition(result.error) };
      policyXml = xml;
      const policy = resources.get(ids.apiPolicy)!;
      resources.put({ ...policy, properties: { ...policy.properties, value: xml } });
      return { ok: true };
    },

    prerequisites: current,

    setPrerequisite(key, on) {
      if (key === 'diagnosticMetrics') {
        const diagnostic = resources.get(ids.apiDiagnostic)!;
        resources.put({ ...diagnostic, properties: { ...diagnostic.properties, metrics: on } });
      } else if (key === 'customMetricsWithDimensions') {
        const component = resources.get(ids.appInsights)!;
        resources.put({ ...component, properties: { ...component.properties, CustomMetricsOptedInType: on ? 'WithDimensions' : 'WithoutDimensions' } });
      } else if (on) {
        resources.put(roleAssignment);
      } else {
        resources.delete(ids.roleAssignment);
      }
    },

    send(settings) {
      return parts.gateway.handle(PLAYGROUND_NAMES.apimService, chatRequest(settings, ip));
    },

    handle(req) {
      return parts.gateway.handle(PLAYGROUND_NAMES.apimService, req);
    },

    telemetry() {
      const outcome = query(METRICS_VIEW);
      const metrics = outcome.kind === 'result' ? outcome.table : { name: 'PrimaryResult' as const, columns: [], rows: [] };
      return { metrics, pending, log };
    },

    query,

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    reset() {
      generation += 1;
      pending = 0;
      log = [];
      resources = new MemoryResources(playgroundResources(policyXml));
      parts = assemble();
      notify();
    },
  };
}

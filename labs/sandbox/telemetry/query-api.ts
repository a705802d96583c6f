/**
 * The Logs query API: `POST /v1/apps/{appId}/query`, `/v1/workspaces/{customerId}/query`,
 * `/v1{resourceId}/query` and `/v1/$batch`, answering `{ tables: [...] }` as
 * `@azure/monitor-query-logs` expects, and every error in the `{ "error": { ... } }` wrapper.
 * The caller has already checked the bearer token; `req.path` is below `/v1`.
 */
import { jsonResponse, type SandboxRequest, type SandboxResponse } from '../core/exchange.ts';
import { KqlError, runKql, type KqlSource } from '../kql/index.ts';
import type { MemoryTelemetry } from './memory.ts';

/** The most rows the Logs query API returns for one query. */
export const MAX_ROWS = 500_000;

interface QueryBody {
  query?: unknown;
  timespan?: unknown;
  workspaces?: unknown;
}

function error(status: number, code: string, message: string, extra: Record<string, unknown> = {}): SandboxResponse {
  return jsonResponse(status, { error: { message, code, correlationId: correlationId(), ...extra } });
}

function correlationId(): string {
  const hex = () => Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-8${hex().slice(1)}-${hex()}${hex()}${hex()}`;
}

const notFoundPath = () => error(404, 'PathNotFoundError', 'The requested path does not exist');

/** The tables a query path reads, or an error answer. */
function scope(telemetry: MemoryTelemetry, path: string): KqlSource | SandboxResponse {
  const app = /^\/apps\/([^/]+)\/query\/?$/i.exec(path);
  if (app) {
    const appId = decodeURIComponent(app[1]);
    if (!telemetry.hasApp(appId)) return error(404, 'ApplicationNotFoundError', `The application '${appId}' could not be found. Use the AppId of an existing Application Insights component.`);
    return telemetry.appSource(appId);
  }
  const workspace = /^\/workspaces\/([^/]+)\/query\/?$/i.exec(path);
  if (workspace) {
    const customerId = decodeURIComponent(workspace[1]);
    if (!telemetry.hasWorkspace(customerId)) {
      return error(404, 'WorkspaceNotFoundError', `The workspace '${customerId}' could not be found. Use the workspace's customerId (its Workspace ID), not its name or resource id.`);
    }
    return telemetry.workspaceSource(customerId);
  }
  const resource = /^(\/subscriptions\/.+)\/query\/?$/i.exec(path);
  if (resource) {
    const resourceId = decodeURIComponent(resource[1]);
    const source = telemetry.resourceSource(resourceId);
    if (!source) return error(404, 'ResourceNotFoundError', `The resource '${resourceId}' could not be found, or it is not a scope the sandbox can query (an Application Insights component, a Log Analytics workspace, a resource group or a subscription).`);
    return source;
  }
  return notFoundPath();
}

/** Runs one query body against a scope and builds the answer. */
function answer(source: KqlSource, body: QueryBody, urlTimespan: string | null, now: number, prefer: string, maxRows: number): SandboxResponse {
  if (typeof body.query !== 'string' || body.query.trim() === '') {
    return error(400, 'BadArgumentError', 'The request had some invalid properties', {
      innererror: { code: 'QueryValidationError', message: "The body must have a 'query' property holding the KQL text." },
    });
  }
  if (body.timespan !== undefined && typeof body.timespan !== 'string') {
    return error(400, 'BadArgumentError', "The 'timespan' property must be an ISO 8601 duration or interval string, for example PT1H.");
  }
  const timespan = (body.timespan as string | undefined) ?? urlTimespan ?? undefined;
  const started = Date.now();
  try {
    const { truncated, ...result } = runKql(body.query, source, { now, timespan, maxRows });
    const extra: Record<string, unknown> = {};
    if (truncated) {
      // Azure answers the first rows with a partial-failure error beside them.
      extra.error = {
        code: 'PartialError',
        message: 'There were some errors when processing your query.',
        details: [{ code: 'EngineError', message: `Query result set has exceeded the internal record count limit ${maxRows} (the query has ${truncated.rowCount} rows). Summarize, or narrow the query with where / take.` }],
      };
    }
    if (/include-statistics=true/i.test(prefer)) {
      extra.statistics = { query: { executionTime: (Date.now() - started) / 1000, resourceUsage: {}, datasetStatistics: [{ tableRowCount: result.tables[0].rows.length }] } };
    }
    if (/include-render=true/i.test(prefer)) extra.render = {};
    return jsonResponse(200, { ...result, ...extra });
  } catch (failure) {
    if (!(failure instanceof KqlError)) throw failure;
    return kqlErrorResponse(failure);
  }
}

/** Azure's answer to a query it cannot run: 400 BadArgumentError with the details nested inside. */
export function kqlErrorResponse(failure: KqlError): SandboxResponse {
  const syntax = failure.kind === 'SyntaxError';
  return error(400, 'BadArgumentError', 'The request had some invalid properties', {
    innererror: {
      code: failure.kind,
      message: syntax ? 'A recognition error occurred in the query.' : 'A semantic error occurred.',
      innererror: {
        code: syntax ? 'SYN0002' : 'SEM0100',
        message: failure.message,
        line: failure.line,
        pos: failure.column,
        token: failure.token,
      },
    },
  });
}

function parseBody(req: SandboxRequest): QueryBody | SandboxResponse {
  if (req.method === 'GET') return { query: req.query.get('query') ?? undefined, timespan: req.query.get('timespan') ?? undefined };
  if (req.method !== 'POST') return error(405, 'MethodNotAllowed', `The Logs query API accepts GET and POST, not ${req.method}.`);
  try {
    const body = JSON.parse(req.body || '{}') as unknown;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    return body as QueryBody;
  } catch {
    return error(400, 'BadArgumentError', 'The request body is not a JSON object. Send {"query": "<KQL>", "timespan": "PT1H"} with Content-Type: application/json.');
  }
}

const isResponse = (value: unknown): value is SandboxResponse => typeof value === 'object' && value !== null && 'status' in value && 'headers' in value;

export function createQueryHandler(telemetry: MemoryTelemetry, now: () => number, maxRows = MAX_ROWS): (req: SandboxRequest) => Promise<SandboxResponse> {
  return async (req) => {
    const path = req.path.replace(/\/{2,}/g, '/');
    const body = parseBody(req);
    if (isResponse(body)) return body;
    const prefer = req.headers.prefer ?? '';
    if (/^\/\$batch\/?$/i.test(path)) return batch(body);
    const source = scope(telemetry, path);
    if (isResponse(source)) return source;
    return answer(source, body, req.query.get('timespan'), now(), prefer, maxRows);
  };

  function batch(body: QueryBody & { requests?: unknown }): SandboxResponse {
    if (!Array.isArray(body.requests)) return error(400, 'BadArgumentError', "A $batch body needs a 'requests' array.");
    const responses = (body.requests as Array<Record<string, unknown>>).map((request) => {
      const id = String(request.id ?? '');
      const path = typeof request.workspace === 'string' ? `/workspaces/${request.workspace}/query` : typeof request.resource === 'string' ? `${request.resource}/query` : '';
      const source = scope(telemetry, path.replace(/\/{2,}/g, '/'));
      const single = isResponse(source) ? source : answer(source, (request.body ?? {}) as QueryBody, null, now(), String((request.headers as Record<string, string> | undefined)?.prefer ?? ''), maxRows);
      return { id, status: single.status, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.parse(single.body ?? '{}') };
    });
    return jsonResponse(200, { responses });
  }
}

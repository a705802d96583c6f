/**
 * The telemetry tables a query reads, with Azure's own column names and types: the classic
 * Application Insights tables (`customMetrics`, `requests`) and the workspace-based ones
 * (`AppMetrics`, `AppRequests`). Rows are held column by column per component, so a query over
 * a million metric rows reads plain arrays.
 */
import type { KqlColumn, KqlTable, KqlType } from '../kql/index.ts';
import type { TelemetryRow } from './rows.ts';

export class MetricColumns {
  readonly time: number[] = [];
  readonly received: number[] = [];
  readonly name: string[] = [];
  readonly value: number[] = [];
  readonly dimensions: Array<Record<string, string> | null> = [];
}

export class RequestColumns {
  readonly time: number[] = [];
  readonly received: number[] = [];
  readonly name: string[] = [];
  readonly url: string[] = [];
  readonly resultCode: string[] = [];
  readonly duration: number[] = [];
  readonly success: boolean[] = [];
  readonly operationId: string[] = [];
  readonly dimensions: Array<Record<string, string> | null> = [];
}

/** Everything one Application Insights component has received. */
export class Partition {
  readonly metrics = new MetricColumns();
  readonly requests = new RequestColumns();
  private readonly interned = new Map<string, string>();
  private readonly internedDimensions = new Map<string, Record<string, string>>();
  private lastText = '';

  constructor(
    readonly appId: string,
    public componentId: string,
    public componentName: string,
    public instrumentationKey: string,
    public workspace: string,
  ) {}

  add(row: TelemetryRow): void {
    this.componentId = row.cid;
    this.componentName = row.cn;
    this.instrumentationKey = row.ik;
    if (row.ws) this.workspace = row.ws;
    const dimensions = this.internDimensions(row.d);
    if (row.k === 'm') {
      const m = this.metrics;
      m.time.push(row.t);
      m.received.push(row.at);
      m.name.push(this.intern(row.n));
      m.value.push(row.v ?? 0);
      m.dimensions.push(dimensions);
    } else {
      const r = this.requests;
      r.time.push(row.t);
      r.received.push(row.at);
      r.name.push(this.intern(row.n));
      r.url.push(row.u ?? '');
      r.resultCode.push(this.intern(row.rc ?? ''));
      r.duration.push(row.ms ?? 0);
      r.success.push(row.ok ?? false);
      r.operationId.push(row.op ?? '');
      r.dimensions.push(dimensions);
    }
  }

  private intern(text: string): string {
    if (text === this.lastText) return this.lastText;
    let known = this.interned.get(text);
    if (known === undefined) {
      known = text;
      if (this.interned.size < 100_000) this.interned.set(text, text);
    }
    this.lastText = known;
    return known;
  }

  /** Rows with the same dimensions share one object: a million rows from a few users stay small. */
  private internDimensions(dimensions: Record<string, string> | null): Record<string, string> | null {
    if (dimensions === null) return null;
    let key = '';
    for (const name in dimensions) key += `${name}\u0000${dimensions[name]}\u0001`;
    const known = this.internedDimensions.get(key);
    if (known !== undefined) return known;
    const frozen = Object.freeze(Object.fromEntries(Object.entries(dimensions).map(([k, v]) => [this.intern(k), this.intern(v)])));
    if (this.internedDimensions.size < 100_000) this.internedDimensions.set(key, frozen);
    return frozen;
  }
}

/** How many of the rows (in arrival order) have been ingested at `now`. */
export function visibleCount(received: number[], now: number, delayMs: number): number {
  let lo = 0;
  let hi = received.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (received[mid] + delayMs <= now) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The rows of one or more partitions as one set of arrays, with the partition of each row. */
interface RowSet<C> {
  columns: C;
  length: number;
  owner: (row: number) => Partition;
}

function metricRows(parts: Partition[], now: number, delayMs: number): RowSet<MetricColumns> {
  return merge(parts, (p) => p.metrics, (c) => visibleCount(c.received, now, delayMs), () => new MetricColumns());
}

function requestRows(parts: Partition[], now: number, delayMs: number): RowSet<RequestColumns> {
  return merge(parts, (p) => p.requests, (c) => visibleCount(c.received, now, delayMs), () => new RequestColumns());
}

function merge<C extends object>(parts: Partition[], pick: (p: Partition) => C, visible: (c: C) => number, empty: () => C): RowSet<C> {
  if (parts.length === 1) {
    const only = parts[0];
    return { columns: pick(only), length: visible(pick(only)), owner: () => only };
  }
  const merged = empty() as Record<string, unknown[]>;
  const owners: number[] = [];
  parts.forEach((part, index) => {
    const source = pick(part) as Record<string, unknown[]>;
    const n = visible(pick(part));
    for (const key of Object.keys(merged)) {
      const target = merged[key];
      const from = source[key];
      for (let i = 0; i < n; i++) target.push(from[i]);
    }
    for (let i = 0; i < n; i++) owners.push(index);
  });
  return { columns: merged as unknown as C, length: owners.length, owner: (row) => parts[owners[row]] };
}

const empty = { constant: '' };
const col = (name: string, type: KqlType, values: KqlColumn['values']): KqlColumn => ({ name, type, values });
const blanks = (names: string[]): KqlColumn[] => names.map((name) => col(name, 'string', empty));

/** A stable GUID-shaped id for row `row` of a table (Azure's `itemId` / `_ItemId`). */
function itemId(kind: string, owner: Partition, received: number, row: number): string {
  let h = 0x811c9dc5;
  const text = `${kind}|${owner.appId}|${received}|${row}`;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ round, 0x01000193) >>> 0;
    hex.push(h.toString(16).padStart(8, '0'));
  }
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-8${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

const CLASSIC_CONTEXT = ['operation_Name', 'operation_Id', 'operation_ParentId', 'operation_SyntheticSource', 'session_Id', 'user_Id', 'user_AuthenticatedId', 'user_AccountId', 'application_Version', 'client_Type', 'client_Model', 'client_OS', 'client_IP', 'client_City', 'client_StateOrProvince', 'client_CountryOrRegion', 'client_Browser', 'cloud_RoleName', 'cloud_RoleInstance'];

/** The classic `customMetrics` table of the components in `parts`. */
export function customMetricsTable(parts: Partition[], now: number, delayMs: number): KqlTable {
  const { columns: m, length, owner } = metricRows(parts, now, delayMs);
  return {
    rowCount: length,
    timeColumn: 'timestamp',
    columns: [
      col('timestamp', 'datetime', m.time),
      col('name', 'string', m.name),
      col('value', 'real', m.value),
      col('valueCount', 'int', { constant: 1 }),
      col('valueSum', 'real', m.value),
      col('valueMin', 'real', m.value),
      col('valueMax', 'real', m.value),
      col('valueStdDev', 'real', { constant: 0 }),
      col('customDimensions', 'dynamic', m.dimensions),
      ...blanks(CLASSIC_CONTEXT),
      col('appId', 'string', (row) => owner(row).appId),
      col('appName', 'string', (row) => owner(row).componentName),
      col('iKey', 'string', (row) => owner(row).instrumentationKey),
      col('sdkVersion', 'string', { constant: 'apim:0.0.0' }),
      col('itemId', 'string', (row) => itemId('m', owner(row), m.received[row], row)),
      col('itemType', 'string', { constant: 'customMetric' }),
      col('itemCount', 'int', { constant: 1 }),
    ],
  };
}

/** The classic `requests` table. `success` is a string ("True"/"False") in the classic schema. */
export function requestsTable(parts: Partition[], now: number, delayMs: number): KqlTable {
  const { columns: r, length, owner } = requestRows(parts, now, delayMs);
  return {
    rowCount: length,
    timeColumn: 'timestamp',
    columns: [
      col('timestamp', 'datetime', r.time),
      col('id', 'string', r.operationId),
      col('source', 'string', empty),
      col('name', 'string', r.name),
      col('url', 'string', r.url),
      col('success', 'string', (row) => (r.success[row] ? 'True' : 'False')),
      col('resultCode', 'string', r.resultCode),
      col('duration', 'real', r.duration),
      col('performanceBucket', 'string', (row) => performanceBucket(r.duration[row])),
      col('itemType', 'string', { constant: 'request' }),
      col('customDimensions', 'dynamic', r.dimensions),
      col('customMeasurements', 'dynamic', { constant: null }),
      ...blanks(CLASSIC_CONTEXT).map((c) => (c.name === 'operation_Id' ? col('operation_Id', 'string', r.operationId) : c.name === 'operation_Name' ? col('operation_Name', 'string', r.name) : c)),
      col('appId', 'string', (row) => owner(row).appId),
      col('appName', 'string', (row) => owner(row).componentName),
      col('iKey', 'string', (row) => owner(row).instrumentationKey),
      col('sdkVersion', 'string', { constant: 'apim:0.0.0' }),
      col('itemId', 'string', (row) => itemId('r', owner(row), r.received[row], row)),
      col('itemCount', 'int', { constant: 1 }),
    ],
  };
}

const WORKSPACE_CONTEXT = ['OperationName', 'OperationId', 'ParentId', 'SyntheticSource', 'SessionId', 'UserId', 'UserAuthenticatedId', 'UserAccountId', 'AppVersion', 'AppRoleName', 'AppRoleInstance', 'ClientType', 'ClientModel', 'ClientOS', 'ClientIP', 'ClientCity', 'ClientStateOrProvince', 'ClientCountryOrRegion', 'ClientBrowser'];

function workspaceTail(owner: (row: number) => Partition, type: string, received: number[], kind: string): KqlColumn[] {
  return [
    col('ResourceGUID', 'string', (row) => owner(row).appId),
    col('IKey', 'string', (row) => owner(row).instrumentationKey),
    col('SDKVersion', 'string', { constant: 'apim:0.0.0' }),
    col('ItemCount', 'int', { constant: 1 }),
    col('SourceSystem', 'string', { constant: 'Azure' }),
    col('Type', 'string', { constant: type }),
    col('_ItemId', 'string', (row) => itemId(kind, owner(row), received[row], row)),
    col('_ResourceId', 'string', (row) => owner(row).componentId.toLowerCase()),
  ];
}

/** The workspace-based `AppMetrics` table. */
export function appMetricsTable(parts: Partition[], now: number, delayMs: number): KqlTable {
  const { columns: m, length, owner } = metricRows(parts, now, delayMs);
  return {
    rowCount: length,
    timeColumn: 'TimeGenerated',
    columns: [
      col('TenantId', 'string', (row) => owner(row).workspace),
      col('TimeGenerated', 'datetime', m.time),
      col('Name', 'string', m.name),
      col('ItemCount', 'int', { constant: 1 }),
      col('Sum', 'real', m.value),
      col('Min', 'real', m.value),
      col('Max', 'real', m.value),
      col('Properties', 'dynamic', m.dimensions),
      ...blanks(WORKSPACE_CONTEXT),
      ...workspaceTail(owner, 'AppMetrics', m.received, 'm').filter((c) => c.name !== 'ItemCount'),
    ],
  };
}

/** The workspace-based `AppRequests` table. */
export function appRequestsTable(parts: Partition[], now: number, delayMs: number): KqlTable {
  const { columns: r, length, owner } = requestRows(parts, now, delayMs);
  return {
    rowCount: length,
    timeColumn: 'TimeGenerated',
    columns: [
      col('TenantId', 'string', (row) => owner(row).workspace),
      col('TimeGenerated', 'datetime', r.time),
      col('Id', 'string', r.operationId),
      col('Source', 'string', empty),
      col('Name', 'string', r.name),
      col('Url', 'string', r.url),
      col('Success', 'bool', r.success),
      col('ResultCode', 'string', r.resultCode),
      col('DurationMs', 'real', r.duration),
      col('PerformanceBucket', 'string', (row) => performanceBucket(r.duration[row])),
      col('Properties', 'dynamic', r.dimensions),
      col('Measurements', 'dynamic', { constant: null }),
      ...blanks(WORKSPACE_CONTEXT).map((c) => (c.name === 'OperationId' ? col('OperationId', 'string', r.operationId) : c.name === 'OperationName' ? col('OperationName', 'string', r.name) : c)),
      ...workspaceTail(owner, 'AppRequests', r.received, 'r'),
    ],
  };
}

/** Application Insights' duration buckets (`<250ms`, `250ms-500ms`, ...). */
function performanceBucket(ms: number): string {
  const bounds: Array<[number, string]> = [[250, '<250ms'], [500, '250ms-500ms'], [1000, '500ms-1sec'], [3000, '1sec-3sec'], [7000, '3sec-7sec'], [15000, '7sec-15sec'], [30000, '15sec-30sec'], [60000, '30sec-1min'], [120000, '1min-2min'], [300000, '2min-5min']];
  for (const [limit, label] of bounds) if (ms < limit) return label;
  return '>=5min';
}

/** Table names as each query path sees them. */
export const CLASSIC_TABLES = { customMetrics: customMetricsTable, requests: requestsTable };
export const WORKSPACE_TABLES = { AppMetrics: appMetricsTable, AppRequests: appRequestsTable };

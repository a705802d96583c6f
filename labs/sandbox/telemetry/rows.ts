/**
 * Telemetry as Application Insights stores it: the row kept for each item the gateway sends,
 * and how an item becomes a row (instrumentation key → component → app id and workspace,
 * dimensions kept only when the component has custom metrics "With dimensions").
 */
import type { ArmResource, ResourceView } from '../core/resources.ts';
import type { TelemetryItem } from '../core/telemetry.ts';

/** One ingested item, as written to the journal (short keys keep the journal small). */
export interface TelemetryRow {
  /** `m` a customMetrics/AppMetrics row, `r` a requests/AppRequests row. */
  k: 'm' | 'r';
  /** Item time and ingestion time, milliseconds since the epoch. */
  t: number;
  at: number;
  /** Component: AppId, resource id, name, instrumentation key; workspace customerId ('' if none). */
  app: string;
  cid: string;
  cn: string;
  ik: string;
  ws: string;
  /** Metric or request name. */
  n: string;
  /** customDimensions / Properties; null when dropped or absent. */
  d: Record<string, string> | null;
  /** Metrics: the value. */
  v?: number;
  /** Requests: url, result code, duration (ms), success, operation id. */
  u?: string;
  rc?: string;
  ms?: number;
  ok?: boolean;
  op?: string;
}

export const COMPONENT_TYPE = 'Microsoft.Insights/components';
export const WORKSPACE_TYPE = 'Microsoft.OperationalInsights/workspaces';

export function componentByKey(resources: ResourceView, instrumentationKey: string): ArmResource | undefined {
  const key = instrumentationKey.toLowerCase();
  return resources.ofType(COMPONENT_TYPE).find((c) => String(c.properties.InstrumentationKey ?? '').toLowerCase() === key);
}

export function componentByAppId(resources: ResourceView, appId: string): ArmResource | undefined {
  const id = appId.toLowerCase();
  return resources.ofType(COMPONENT_TYPE).find((c) => String(c.properties.AppId ?? '').toLowerCase() === id);
}

/** The customerId of the workspace a component sends to, or '' when it has none. */
export function workspaceOf(resources: ResourceView, component: ArmResource): string {
  const workspaceId = component.properties.WorkspaceResourceId;
  if (typeof workspaceId !== 'string' || workspaceId === '') return '';
  const workspace = resources.get(workspaceId);
  return typeof workspace?.properties.customerId === 'string' ? workspace.properties.customerId : '';
}

export function withDimensions(component: ArmResource): boolean {
  return component.properties.CustomMetricsOptedInType === 'WithDimensions';
}

/** Builds the stored row for an item sent to `component`, received at `now`. */
export function toRow(item: TelemetryItem, component: ArmResource, workspace: string, keepDimensions: boolean, now: number): TelemetryRow {
  const app = String(component.properties.AppId ?? '');
  const hasDimensions = Object.keys(item.dimensions).length > 0;
  if (item.kind === 'metric') {
    return {
      k: 'm', t: item.time, at: now, app, cid: component.id, cn: component.name, ik: item.instrumentationKey, ws: workspace,
      n: item.name, d: keepDimensions && hasDimensions ? item.dimensions : null, v: item.value,
      u: undefined, rc: undefined, ms: undefined, ok: undefined, op: undefined,
    };
  }
  return {
    k: 'r', t: item.time, at: now, app, cid: component.id, cn: component.name, ik: item.instrumentationKey, ws: workspace,
    n: item.name, d: hasDimensions ? item.dimensions : null, v: undefined,
    u: item.url, rc: item.resultCode, ms: item.durationMs, ok: item.success, op: item.operationId,
  };
}

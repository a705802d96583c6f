/**
 * The receiving side of Application Insights, in memory: turns the gateway's telemetry items into
 * rows of the component their instrumentation key names, applies the component's custom-metrics
 * setting and the ingestion delay, and offers the tables to the KQL engine per query scope
 * (an app, a workspace, a resource). No Node APIs: the browser playground uses it as it is;
 * the sandbox server adds the durable journal around it (telemetry/index.ts).
 */
import type { ResourceView } from '../core/resources.ts';
import type { TelemetryItem, TelemetrySink } from '../core/telemetry.ts';
import type { KqlSource, KqlTable } from '../kql/index.ts';
import { COMPONENT_TYPE, WORKSPACE_TYPE, componentByAppId, componentByKey, toRow, withDimensions, workspaceOf, type TelemetryRow } from './rows.ts';
import { CLASSIC_TABLES, Partition, WORKSPACE_TABLES } from './tables.ts';

/** How long after it is sent a telemetry row becomes visible to queries, unless configured. */
export const DEFAULT_INGESTION_DELAY_MS = 3000;

export interface MemoryTelemetryOptions {
  resources: ResourceView;
  now?: () => number;
  ingestionDelayMs?: number;
  log?: (message: string) => void;
  /** Called with each accepted row before it is visible in memory (the durable journal). */
  persist?: (row: TelemetryRow) => void;
}

type TableBuilder = (parts: Partition[], now: number, delayMs: number) => KqlTable;

export interface MemoryTelemetry {
  sink: TelemetrySink;
  /** Adds a row that was accepted before (journal replay); no settings are re-applied. */
  restore(row: TelemetryRow): void;
  /** Whether a component with this AppId exists or has sent telemetry. */
  hasApp(appId: string): boolean;
  /** Whether a workspace with this customerId exists or has received telemetry. */
  hasWorkspace(customerId: string): boolean;
  /** Classic tables (`customMetrics`, `requests`) of the component with this AppId. */
  appSource(appId: string): KqlSource;
  /** Workspace tables (`AppMetrics`, `AppRequests`) of the workspace with this customerId. */
  workspaceSource(customerId: string): KqlSource;
  /** A resource-centric scope: a component, a workspace, a resource group or a subscription. */
  resourceSource(resourceId: string): KqlSource | undefined;
  /** Rows received so far (visible or not). */
  rowCount(): number;
}

export function createMemoryTelemetry(options: MemoryTelemetryOptions): MemoryTelemetry {
  const { resources } = options;
  const now = options.now ?? (() => Date.now());
  const delay = options.ingestionDelayMs ?? DEFAULT_INGESTION_DELAY_MS;
  const log = options.log ?? (() => undefined);
  const partitions = new Map<string, Partition>();
  const warned = new Set<string>();
  let rows = 0;

  const warnOnce = (key: string, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    log(message);
  };

  function add(row: TelemetryRow): void {
    const key = row.app.toLowerCase();
    let partition = partitions.get(key);
    if (!partition) {
      partition = new Partition(row.app, row.cid, row.cn, row.ik, row.ws);
      partitions.set(key, partition);
    }
    partition.add(row);
    rows++;
  }

  /** Instrumentation key → component id, checked against the resource on every use. */
  const componentIds = new Map<string, string>();
  function findComponent(key: string) {
    const knownId = componentIds.get(key);
    if (knownId !== undefined) {
      const known = resources.get(knownId);
      if (known && known.properties.InstrumentationKey === key) return known;
    }
    const found = componentByKey(resources, key);
    if (found) componentIds.set(key, found.id);
    return found;
  }

  function track(item: TelemetryItem): void {
    const component = findComponent(item.instrumentationKey);
    if (!component) {
      warnOnce(`key:${item.instrumentationKey}`, `Telemetry for instrumentation key ${mask(item.instrumentationKey)} was dropped: no Application Insights component has that key (was it deleted?).`);
      return;
    }
    const keep = withDimensions(component);
    if (item.kind === 'metric' && !keep && Object.keys(item.dimensions).length > 0) {
      warnOnce(
        `dims:${component.id.toLowerCase()}`,
        `Application Insights '${component.name}' does not have custom metrics "With dimensions" (properties.CustomMetricsOptedInType is not 'WithDimensions'), ` +
          `so the dimensions of '${item.name}' and every later custom metric are dropped, as Azure drops them. Turn it on to keep them.`,
      );
    }
    const row = toRow(item, component, workspaceOf(resources, component), keep, now());
    options.persist?.(row);
    add(row);
  }

  function source(parts: () => Partition[], tables: Record<string, TableBuilder>): KqlSource {
    return {
      table(name) {
        const build = tables[name];
        if (!build) return undefined;
        const list = parts();
        return build(list.length > 0 ? list : [new Partition('', '', '', '', '')], now(), delay);
      },
    };
  }

  const partitionsWhere = (test: (p: Partition) => boolean) => () => [...partitions.values()].filter(test);

  function workspaceParts(customerId: string): () => Partition[] {
    const id = customerId.toLowerCase();
    return partitionsWhere((p) => {
      const component = resources.get(p.componentId);
      const current = component ? workspaceOf(resources, component) : p.workspace;
      return (current || p.workspace).toLowerCase() === id;
    });
  }

  return {
    sink: { track },
    restore: add,
    rowCount: () => rows,

    hasApp(appId) {
      return componentByAppId(resources, appId) !== undefined || partitions.has(appId.toLowerCase());
    },

    hasWorkspace(customerId) {
      const id = customerId.toLowerCase();
      return (
        resources.ofType(WORKSPACE_TYPE).some((w) => String(w.properties.customerId ?? '').toLowerCase() === id) ||
        [...partitions.values()].some((p) => p.workspace.toLowerCase() === id)
      );
    },

    appSource(appId) {
      const key = appId.toLowerCase();
      return source(partitionsWhere((p) => p.appId.toLowerCase() === key), CLASSIC_TABLES);
    },

    workspaceSource(customerId) {
      return source(workspaceParts(customerId), WORKSPACE_TABLES);
    },

    resourceSource(resourceId) {
      const id = resourceId.replace(/\/+$/, '').toLowerCase();
      const resource = resources.get(id);
      if (resource && resource.type.toLowerCase() === COMPONENT_TYPE.toLowerCase()) {
        // A component's own scope answers both the workspace tables and the classic names.
        const parts = partitionsWhere((p) => p.componentId.toLowerCase() === id);
        return source(parts, { ...WORKSPACE_TABLES, ...CLASSIC_TABLES });
      }
      if (resource && resource.type.toLowerCase() === WORKSPACE_TYPE.toLowerCase()) {
        return source(workspaceParts(String(resource.properties.customerId ?? '')), WORKSPACE_TABLES);
      }
      const isScope = /^\/subscriptions\/[^/]+(\/resourcegroups\/[^/]+)?$/.test(id);
      if (!isScope) return undefined;
      return source(partitionsWhere((p) => p.componentId.toLowerCase().startsWith(`${id}/`)), WORKSPACE_TABLES);
    },
  };
}

/** An instrumentation key shown without most of its characters. */
function mask(key: string): string {
  return key.length > 8 ? `${key.slice(0, 4)}…${key.slice(-4)}` : '…';
}

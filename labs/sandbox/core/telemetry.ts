/**
 * Telemetry items the gateway sends toward Application Insights.
 *
 * The gateway decides *whether* an item is sent (an emit policy ran, a diagnostic with
 * `metrics: true` points at a logger). The receiving side maps the logger's instrumentation key to
 * its component, applies the component's custom-metrics setting (dimensions kept or dropped) and
 * the ingestion delay, and turns items into `customMetrics` / `requests` rows.
 */

export interface MetricItem {
  kind: 'metric';
  /** Milliseconds since the epoch. */
  time: number;
  instrumentationKey: string;
  name: string;
  namespace: string;
  value: number;
  dimensions: Record<string, string>;
}

export interface RequestItem {
  kind: 'request';
  time: number;
  instrumentationKey: string;
  /** e.g. `POST /openai/deployments/{deployment-id}/chat/completions` */
  name: string;
  url: string;
  resultCode: string;
  durationMs: number;
  success: boolean;
  operationId: string;
  dimensions: Record<string, string>;
}

export type TelemetryItem = MetricItem | RequestItem;

export interface TelemetrySink {
  track(item: TelemetryItem): void;
}

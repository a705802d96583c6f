/**
 * Whether telemetry leaves the gateway, and for which Application Insights key: a diagnostic named
 * `applicationinsights` on the API (else on the service) whose logger is an Application Insights
 * logger. Custom metrics (token metrics, emit-metric) also need the diagnostic's `metrics: true`.
 */
import type { ArmResource, ResourceView } from '../core/resources.ts';
import { resolveNamedValues } from './named-values.ts';

export interface TelemetryTarget {
  instrumentationKey: string;
  metrics: boolean;
  /** `sampling.percentage` of the diagnostic (requests only; custom metrics are never sampled). */
  samplingPercentage: number;
  /** `alwaysLog: allErrors`: failed calls are logged whatever the sampling. */
  alwaysLogErrors: boolean;
}

export type TelemetryDecision = { target: TelemetryTarget } | { reason: string };

function loggerOf(resources: ResourceView, service: ArmResource, loggerId: unknown): ArmResource | undefined {
  const text = String(loggerId ?? '');
  const name = text.split('/').filter(Boolean).pop();
  if (!name) return undefined;
  return resources.get(text.toLowerCase().startsWith('/subscriptions/') ? text : `${service.id}/loggers/${name}`);
}

function instrumentationKeyOf(resources: ResourceView, service: ArmResource, logger: ArmResource): string | undefined {
  const credentials = (logger.properties.credentials ?? {}) as Record<string, unknown>;
  const secret = logger.secrets?.instrumentationKey;
  if (secret) return secret;
  const connection = logger.secrets?.connectionString ?? credentials.connectionString;
  const fromConnection = typeof connection === 'string' ? /InstrumentationKey=([^;]+)/i.exec(connection)?.[1] : undefined;
  if (fromConnection) return fromConnection;
  const key = credentials.instrumentationKey;
  if (typeof key === 'string' && key !== '') {
    try {
      return resolveNamedValues(resources, service, key);
    } catch {
      // A reference to a named value that is gone: fall back to the component below.
    }
  }
  const component = typeof logger.properties.resourceId === 'string' ? resources.get(logger.properties.resourceId) : undefined;
  const fromComponent = component?.properties.InstrumentationKey;
  return typeof fromComponent === 'string' ? fromComponent : undefined;
}

export function telemetryTarget(resources: ResourceView, service: ArmResource, api: ArmResource | undefined): TelemetryDecision {
  const diagnostic = (api && resources.get(`${api.id}/diagnostics/applicationinsights`)) ?? resources.get(`${service.id}/diagnostics/applicationinsights`);
  if (!diagnostic) return { reason: "no diagnostic named 'applicationinsights' on the API or on All APIs" };
  const logger = loggerOf(resources, service, diagnostic.properties.loggerId);
  if (!logger) return { reason: `the diagnostic '${diagnostic.id}' points at logger '${String(diagnostic.properties.loggerId ?? '')}', which does not exist` };
  if (String(logger.properties.loggerType ?? '').toLowerCase() !== 'applicationinsights') return { reason: `the logger '${logger.name}' is not an Application Insights logger` };
  const instrumentationKey = instrumentationKeyOf(resources, service, logger);
  if (!instrumentationKey) return { reason: `the logger '${logger.name}' has no instrumentation key` };
  const sampling = (diagnostic.properties.sampling ?? {}) as { percentage?: unknown };
  const percentage = Number(sampling.percentage ?? 100);
  return {
    target: {
      instrumentationKey,
      metrics: diagnostic.properties.metrics === true,
      samplingPercentage: Number.isFinite(percentage) ? Math.min(100, Math.max(0, percentage)) : 100,
      alwaysLogErrors: diagnostic.properties.alwaysLog === 'allErrors',
    },
  };
}

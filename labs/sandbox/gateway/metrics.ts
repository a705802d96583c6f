/**
 * Custom metrics from policies (the token-metric policies and `emit-metric`): dimension values,
 * with the gateway's defaults for the documented default names, and the decision to send them:
 * only when the call has an Application Insights diagnostic with `metrics: true`.
 */
import type { PolicyElement } from '../policy/index.ts';
import type { Call } from './call.ts';
import { stringValue } from './values.ts';

export const DEFAULT_NAMESPACE = 'API Management';

/** The value the gateway gives a default dimension. */
export function defaultDimension(call: Call, name: string): string {
  switch (name) {
    case 'API ID':
      return call.route.api.name;
    case 'Operation ID':
      return call.route.operation.name;
    case 'Product ID':
      return call.caller?.product?.name ?? '';
    case 'User ID':
      return call.userId ?? '';
    case 'Subscription ID':
      return call.caller?.subscription.name ?? '';
    case 'Location':
      return String(call.service.location ?? '');
    case 'Gateway ID':
      return 'managed';
    case 'Backend ID':
      return call.backend.id ?? '';
    default:
      return '';
  }
}

export interface DimensionPlan {
  /** Values fixed when the policy ran (custom values). */
  fixed: Record<string, string>;
  /** Default dimensions, filled in when the metric is sent (so Backend ID is known). */
  defaults: string[];
}

/** Evaluates the `<dimension>` children now; defaults are filled in later by `dimensionsOf`. */
export function planDimensions(call: Call, element: PolicyElement): DimensionPlan {
  const plan: DimensionPlan = { fixed: {}, defaults: [] };
  for (const child of element.children) {
    if (child.name !== 'dimension') continue;
    const name = stringValue(call, child.attributes.name ?? '');
    if (child.attributes.value === undefined) plan.defaults.push(name);
    else plan.fixed[name] = stringValue(call, child.attributes.value);
  }
  return plan;
}

export function dimensionsOf(call: Call, plan: DimensionPlan): Record<string, string> {
  const dimensions: Record<string, string> = {};
  for (const name of plan.defaults) dimensions[name] = defaultDimension(call, name);
  return Object.assign(dimensions, plan.fixed);
}

/** The instrumentation key to send custom metrics to, or undefined (logging why, once). */
export function metricsKey(call: Call, policy: string): string | undefined {
  const decision = call.telemetry();
  if ('reason' in decision) {
    call.logOnce(`${policy}: metrics not sent for API '${call.route.api.name}' because there is ${decision.reason.replace(/^no /, 'no ')}.`);
    return undefined;
  }
  if (!decision.target.metrics) {
    call.logOnce(`${policy}: metrics not sent for API '${call.route.api.name}' because its 'applicationinsights' diagnostic does not have "metrics": true.`);
    return undefined;
  }
  return decision.target.instrumentationKey;
}

export function trackMetric(call: Call, instrumentationKey: string, name: string, namespace: string, value: number, dimensions: Record<string, string>): void {
  call.deps.telemetry.track({ kind: 'metric', time: call.deps.now(), instrumentationKey, name, namespace, value, dimensions });
}

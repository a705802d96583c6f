/** `emit-metric`: sends one custom metric (`value`, default 1) with its dimensions right away. */
import { DEFAULT_NAMESPACE, dimensionsOf, metricsKey, planDimensions, trackMetric } from '../metrics.ts';
import { attribute } from '../values.ts';
import { PolicyError, type PolicyHandler } from './handler.ts';

export const emitMetric: PolicyHandler = (element, call) => {
  const name = attribute(call, element, 'name') ?? '';
  const valueText = attribute(call, element, 'value') ?? '1';
  const value = Number(valueText);
  if (!Number.isFinite(value)) throw new PolicyError('emit-metric', 'InvalidMetricValue', `The metric value '${valueText}' is not a number.`);
  const plan = planDimensions(call, element);
  const key = metricsKey(call, 'emit-metric');
  if (key !== undefined) trackMetric(call, key, name, element.attributes.namespace ?? DEFAULT_NAMESPACE, value, dimensionsOf(call, plan));
  return 'continue';
};

/**
 * `azure-openai-emit-token-metric` and `llm-emit-token-metric`: once the backend's usage is known,
 * send `Prompt Tokens`, `Completion Tokens` and `Total Tokens` with the policy's namespace and
 * dimensions (streamed answers: the usage chunk, else the gateway's estimate).
 */
import { DEFAULT_NAMESPACE, dimensionsOf, metricsKey, planDimensions, trackMetric } from '../metrics.ts';
import type { PolicyHandler } from './handler.ts';

export const emitTokenMetric: PolicyHandler = (element, call) => {
  const plan = planDimensions(call, element);
  const namespace = element.attributes.namespace ?? DEFAULT_NAMESPACE;
  call.usageHandlers.push((usage) => {
    const key = metricsKey(call, element.name);
    if (key === undefined) return;
    const dimensions = dimensionsOf(call, plan);
    trackMetric(call, key, 'Prompt Tokens', namespace, usage.promptTokens, dimensions);
    trackMetric(call, key, 'Completion Tokens', namespace, usage.completionTokens, dimensions);
    trackMetric(call, key, 'Total Tokens', namespace, usage.totalTokens, dimensions);
  });
  return 'continue';
};

/** `set-variable`: stores a value in `context.Variables` (typed as the expression returns it). */
import type { PolicyHandler } from './handler.ts';
import { evaluateValue } from '../values.ts';

export const setVariable: PolicyHandler = (element, call) => {
  call.variables.set(element.attributes.name, evaluateValue(call, element.attributes.value ?? ''));
  return 'continue';
};

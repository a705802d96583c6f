/** `choose`: runs the policies of the first `when` whose condition is true, else of `otherwise`. */
import { evaluateValue } from '../values.ts';
import type { PolicyHandler } from './handler.ts';

export const choose: PolicyHandler = (element, call, runElements) => {
  for (const branch of element.children) {
    if (branch.name === 'otherwise' || evaluateValue(call, branch.attributes.condition ?? '') === true) {
      return runElements(branch.children, call);
    }
  }
  return 'continue';
};

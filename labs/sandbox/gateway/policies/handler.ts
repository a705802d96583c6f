/**
 * The shape of a policy element's implementation. A handler acts on the call and says whether
 * the pipeline goes on (`continue`) or a response has been decided (`stop`).
 */
import type { PolicyElement } from '../../policy/index.ts';
import type { Call } from '../call.ts';

export type PolicyOutcome = 'continue' | 'stop';

/** Runs a list of policy elements (for elements that contain others, like `choose`). */
export type RunElements = (elements: PolicyElement[], call: Call) => Promise<PolicyOutcome>;

export type PolicyHandler = (element: PolicyElement, call: Call, runElements: RunElements) => Promise<PolicyOutcome> | PolicyOutcome;

/** An error a policy raises on purpose; it sends the call to the `on-error` section. */
export class PolicyError extends Error {
  constructor(readonly source: string, readonly reason: string, message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

/**
 * Runs a call's effective policy: `inbound`, `backend`, `outbound`; a policy that decides the
 * response (return-response, a token limit) ends the run; any error jumps to `on-error`, which
 * starts from a 500 response and may change or replace it.
 */
import { ExpressionRuntimeError } from '../policy/expressions/index.ts';
import type { PolicyElement, Section } from '../policy/index.ts';
import type { Call } from './call.ts';
import type { EffectivePolicy } from './composition.ts';
import { exposeError, exposeResponse } from './context.ts';
import { internalServerError } from './errors.ts';
import { NamedValueError } from './named-values.ts';
import { POLICY_HANDLERS, PolicyError, type PolicyOutcome } from './policies/index.ts';

class ElementFailure extends Error {
  constructor(readonly element: PolicyElement, readonly cause: unknown) {
    super((cause as Error)?.message ?? String(cause));
  }
}

async function runElements(elements: PolicyElement[], call: Call): Promise<PolicyOutcome> {
  for (const element of elements) {
    const handler = POLICY_HANDLERS[element.name];
    if (!handler) continue;
    let outcome: PolicyOutcome;
    try {
      outcome = await handler(element, call, runElements);
    } catch (error) {
      throw error instanceof ElementFailure ? error : new ElementFailure(element, error);
    }
    if (outcome === 'stop') return 'stop';
  }
  return 'continue';
}

function describeFailure(failure: unknown): { source: string; reason: string; message: string } {
  const element = failure instanceof ElementFailure ? failure.element.name : 'gateway';
  const cause = failure instanceof ElementFailure ? failure.cause : failure;
  if (cause instanceof PolicyError) return { source: cause.source, reason: cause.reason, message: cause.message };
  if (cause instanceof ExpressionRuntimeError) return { source: element, reason: 'ExpressionValueEvaluationFailure', message: `Expression evaluation failed. ${cause.message}` };
  if (cause instanceof NamedValueError) return { source: element, reason: 'NamedValueNotFound', message: cause.message };
  return { source: element, reason: 'InternalError', message: (cause as Error)?.message ?? String(cause) };
}

async function runOnError(call: Call, policy: EffectivePolicy, section: Section, failure: unknown): Promise<void> {
  const error = { ...describeFailure(failure), section };
  call.deps.log(`Gateway error in ${section} (${error.source}, ${error.reason}) for ${call.request.method} ${call.request.path}: ${error.message}`);
  exposeError(call, error);
  call.response = internalServerError(call.requestId);
  exposeResponse(call, call.response);
  try {
    await runElements(policy.sections['on-error'], call);
  } catch (nested) {
    const again = describeFailure(nested);
    call.deps.log(`Gateway error in on-error (${again.source}, ${again.reason}): ${again.message}`);
    call.response = internalServerError(call.requestId);
  }
}

export async function runPipeline(call: Call, policy: EffectivePolicy): Promise<void> {
  let section: Section = 'inbound';
  try {
    if ((await runElements(policy.sections.inbound, call)) === 'stop') return;
    section = 'backend';
    if ((await runElements(policy.sections.backend, call)) === 'stop') return;
    section = 'outbound';
    if (!call.response) {
      call.response = { status: 200, headers: {}, body: '' };
      exposeResponse(call, call.response);
    }
    await runElements(policy.sections.outbound, call);
  } catch (failure) {
    await runOnError(call, policy, section, failure);
  }
}

/**
 * `return-response`: ends the pipeline with a response built from `set-status`, `set-header` and
 * `set-body` (or the one stored in `response-variable-name`).
 */
import type { SandboxResponse } from '../../core/exchange.ts';
import { exposeResponse } from '../context.ts';
import { attribute, elementText } from '../values.ts';
import type { PolicyHandler } from './handler.ts';
import { applySetHeader } from './set-header.ts';

export const returnResponse: PolicyHandler = (element, call) => {
  const stored = element.attributes['response-variable-name'];
  const base = stored ? (call.variables.get(stored) as SandboxResponse | undefined) : undefined;
  const response: SandboxResponse = { status: base?.status ?? 200, headers: { ...(base?.headers ?? {}) }, body: base?.body ?? '' };
  let reason = '';
  for (const child of element.children) {
    if (child.name === 'set-status') {
      response.status = Number(attribute(call, child, 'code') ?? 200);
      reason = attribute(call, child, 'reason') ?? '';
    } else if (child.name === 'set-header') applySetHeader(child, call, response.headers);
    else if (child.name === 'set-body') response.body = elementText(call, child);
  }
  call.response = response;
  exposeResponse(call, response, reason);
  return 'stop';
};

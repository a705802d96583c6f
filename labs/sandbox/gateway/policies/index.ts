/** Every policy element the gateway runs, by element name. */
import { authenticationManagedIdentity } from './authentication-managed-identity.ts';
import { choose } from './choose.ts';
import { emitMetric } from './emit-metric.ts';
import { emitTokenMetric } from './emit-token-metric.ts';
import { forwardRequest } from './forward-request.ts';
import type { PolicyHandler } from './handler.ts';
import { returnResponse } from './return-response.ts';
import { setBackendService } from './set-backend-service.ts';
import { setBody } from './set-body.ts';
import { setHeader } from './set-header.ts';
import { setVariable } from './set-variable.ts';
import { tokenLimit } from './token-limit.ts';

export const POLICY_HANDLERS: Record<string, PolicyHandler> = {
  'set-backend-service': setBackendService,
  'set-header': setHeader,
  'set-variable': setVariable,
  'set-body': setBody,
  'authentication-managed-identity': authenticationManagedIdentity,
  'forward-request': forwardRequest,
  'return-response': returnResponse,
  choose,
  'azure-openai-emit-token-metric': emitTokenMetric,
  'llm-emit-token-metric': emitTokenMetric,
  'azure-openai-token-limit': tokenLimit,
  'llm-token-limit': tokenLimit,
  'emit-metric': emitMetric,
};

export { PolicyError } from './handler.ts';
export type { PolicyOutcome } from './handler.ts';

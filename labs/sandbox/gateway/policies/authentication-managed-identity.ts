/**
 * `authentication-managed-identity`: gets a token for `resource` as the service's system-assigned
 * identity and sends it as `Authorization: Bearer ...`, or stores it in
 * `output-token-variable-name`. Whether the identity may call the backend is the backend's decision.
 */
import { attribute, booleanAttribute } from '../values.ts';
import { PolicyError, type PolicyHandler, type PolicyOutcome } from './handler.ts';

/** Like API Management, the gateway reuses a token for a while instead of asking for one per call. */
const TOKEN_REUSE_MS = 5 * 60_000;

export const authenticationManagedIdentity: PolicyHandler = async (element, call): Promise<PolicyOutcome> => {
  const resource = attribute(call, element, 'resource') ?? '';
  const clientId = attribute(call, element, 'client-id');
  const identity = (call.service.identity ?? {}) as { type?: string; principalId?: string };
  const ignoreError = booleanAttribute(call, element, 'ignore-error', false);
  try {
    if (clientId) throw new PolicyError('authentication-managed-identity', 'ManagedIdentityNotSupported', 'User-assigned identities (client-id) are not run by the sandbox; use the system-assigned identity.');
    if (!identity.principalId || !/systemassigned/i.test(identity.type ?? '')) {
      throw new PolicyError('authentication-managed-identity', 'ManagedIdentityNotEnabled', 'The API Management service has no system-assigned managed identity: set identity.type to SystemAssigned on the service.');
    }
    const cacheKey = `${identity.principalId}\u0000${resource}`;
    const cached = call.identityTokens.get(cacheKey);
    const now = call.deps.now();
    let token = cached && cached.until > now ? cached.token : undefined;
    if (token === undefined) {
      token = await call.deps.managedIdentityToken(identity.principalId, resource);
      call.identityTokens.set(cacheKey, { token, until: now + TOKEN_REUSE_MS });
    }
    const variable = element.attributes['output-token-variable-name'];
    if (variable) call.variables.set(variable, token);
    else call.request.headers.authorization = `Bearer ${token}`;
  } catch (error) {
    if (ignoreError) return 'continue';
    if (error instanceof PolicyError) throw error;
    throw new PolicyError('authentication-managed-identity', 'TokenAcquisitionFailed', `Could not get a managed identity token for '${resource}': ${(error as Error).message}`);
  }
  return 'continue';
};

/**
 * Managed identities of ARM resources (`identity: { type: "SystemAssigned" }`): a stable
 * `principalId` and `tenantId` are added to the resource, as Azure does.
 */
import { randomUUID } from 'node:crypto';
import type { ArmResource } from '../core/resources.ts';
import { ArmError } from './errors.ts';
import type { Json } from './shape.ts';

const identityTypes = ['None', 'SystemAssigned', 'UserAssigned', 'SystemAssigned, UserAssigned'];

/** `{ identity }` for the new resource (or `{}`), keeping an existing principal id. */
export function identityFor(body: Json, existing: ArmResource | undefined, tenantId: string): { identity?: Record<string, unknown> } {
  const requested = body.identity as Json | undefined | null;
  if (requested === undefined || requested === null) return existing?.identity !== undefined ? { identity: existing.identity } : {};
  const type = identityTypes.find((t) => t.toLowerCase().replace(/\s/g, '') === String(requested.type ?? '').toLowerCase().replace(/\s/g, ''));
  if (type === undefined) {
    throw new ArmError(400, 'InvalidIdentityType', `The identity type '${String(requested.type)}' is not valid. Use one of: ${identityTypes.join(' | ')}.`);
  }
  if (type === 'None') return { identity: { type } };
  const identity: Record<string, unknown> = { type };
  if (type.includes('SystemAssigned')) {
    identity.principalId = (existing?.identity?.principalId as string | undefined) ?? randomUUID();
    identity.tenantId = tenantId;
  }
  if (type.includes('UserAssigned')) {
    const assigned = requested.userAssignedIdentities;
    if (assigned === null || typeof assigned !== 'object') {
      throw new ArmError(400, 'InvalidIdentity', "A UserAssigned identity needs 'userAssignedIdentities' naming the identities' resource ids.");
    }
    identity.userAssignedIdentities = Object.fromEntries(
      Object.keys(assigned).map((key) => [key, { principalId: randomUUID(), clientId: randomUUID() }]),
    );
  }
  return { identity };
}

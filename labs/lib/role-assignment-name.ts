/**
 * The name a role assignment gets in the lesson's template: Bicep's
 * `guid(resourceId(account), resourceId(apim), roleId)`, a version-5 UUID (SHA-1) of the
 * arguments joined by `-` in ARM's `guid()` namespace. `lab:setup` names its assignment the same
 * way, so the step-by-step labs and `az deployment group create` agree on one assignment.
 */
import { createHash } from 'node:crypto';

const ARM_GUID_NAMESPACE = '11fb06fb-712d-4ddd-98c7-e71bbd588830';

export function armGuid(...values: string[]): string {
  const namespace = Buffer.from(ARM_GUID_NAMESPACE.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(namespace).update(values.join('-'), 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The template's default `openAiRoleAssignmentName` for this account, APIM instance and role. */
export function roleAssignmentName(subscriptionId: string, resourceGroup: string, openAiAccount: string, apim: string, roleId: string): string {
  const group = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers`;
  return armGuid(`${group}/Microsoft.CognitiveServices/accounts/${openAiAccount}`, `${group}/Microsoft.ApiManagement/service/${apim}`, roleId);
}

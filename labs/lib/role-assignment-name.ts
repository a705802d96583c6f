/**
 * The name a role assignment gets in the lesson's template: Bicep's
 * `guid(resourceId(account), resourceId(apim), roleId)`. `lab:setup` names its assignment the same
 * way, so the step-by-step labs and `az deployment group create` agree on one assignment.
 * ARM's `guid()` itself is the template engine's, so both compute it with one piece of code.
 */
import { deterministicGuid } from '../sandbox/deployments/hash.ts';

/** The template's default `openAiRoleAssignmentName` for this account, APIM instance and role. */
export function roleAssignmentName(subscriptionId: string, resourceGroup: string, openAiAccount: string, apim: string, roleId: string): string {
  const group = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers`;
  return deterministicGuid([`${group}/Microsoft.CognitiveServices/accounts/${openAiAccount}`, `${group}/Microsoft.ApiManagement/service/${apim}`, roleId]);
}

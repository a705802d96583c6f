/**
 * lab:setup names the APIM identity's role assignment exactly as the lesson's template does
 * (`guid(account id, apim id, role id)`), so the step-by-step labs and a template deployment
 * meet one assignment instead of colliding with RoleAssignmentExists.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import { roleAssignmentName } from '../../labs/lib/role-assignment-name.ts';
import { deterministicGuid } from '../../labs/sandbox/deployments/hash.ts';

const subscriptionId = '3f2b8c1e-5d4a-4e2f-9b7c-1a2b3c4d5e6f';
const roleId = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd';

test('the name is ARM guid() over the account id, the APIM id and the role id, in that order', () => {
  const group = `/subscriptions/${subscriptionId}/resourceGroups/lab-rg/providers`;
  const expected = deterministicGuid([
    `${group}/Microsoft.CognitiveServices/accounts/lab-openai-abc123`,
    `${group}/Microsoft.ApiManagement/service/lab-apim-abc123`,
    roleId,
  ]);
  assert.equal(roleAssignmentName(subscriptionId, 'lab-rg', 'lab-openai-abc123', 'lab-apim-abc123', roleId), expected);
});

test('the template builds its default name from the same three values, in the same order', () => {
  const template = JSON.parse(readFileSync('labs/infra/main.json', 'utf8')) as {
    parameters: Record<string, { defaultValue?: unknown }>;
  };
  const defaultValue = String(template.parameters.openAiRoleAssignmentName?.defaultValue);
  assert.match(
    defaultValue,
    /^\[guid\(resourceId\('Microsoft\.CognitiveServices\/accounts', parameters\('openAiAccountName'\)\), resourceId\('Microsoft\.ApiManagement\/service', parameters\('apimName'\)\), '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'\)\]$/,
  );
});

test('different instances get different names', () => {
  const a = roleAssignmentName(subscriptionId, 'lab-rg', 'lab-openai-abc123', 'lab-apim-abc123', roleId);
  const b = roleAssignmentName(subscriptionId, 'lab-rg', 'ana-openai-abc123', 'ana-apim-abc123', roleId);
  assert.notEqual(a, b);
});

/**
 * Azure's naming rules for the resources the sandbox emulates. A name that breaks them gets
 * 400 `InvalidResourceName` (resource groups: `InvalidResourceGroup`, role assignments:
 * `InvalidRoleAssignmentId`), as on Azure.
 */
import { ArmError, invalidResourceName } from './errors.ts';

export interface NameRule {
  type: string;
  min: number;
  max: number;
  pattern: RegExp;
  /** The rule in words, for the error message. */
  text: string;
}

const apimEntity = (type: string, max: number): NameRule => ({
  type,
  min: 1,
  max,
  pattern: /^[^*#&+:<>?]+$/,
  text: `It must be 1 to ${max} characters and cannot contain any of * # & + : < > ?.`,
});

export const nameRules = {
  apimService: {
    type: 'Microsoft.ApiManagement/service',
    min: 1,
    max: 50,
    pattern: /^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    text: 'It must be 1 to 50 characters, start with a letter, contain only letters, digits and hyphens, and end with a letter or digit.',
  },
  apimApi: apimEntity('Microsoft.ApiManagement/service/apis', 256),
  apimNamedValue: apimEntity('Microsoft.ApiManagement/service/namedValues', 256),
  apimSubscription: apimEntity('Microsoft.ApiManagement/service/subscriptions', 256),
  apimLogger: apimEntity('Microsoft.ApiManagement/service/loggers', 256),
  apimDiagnostic: apimEntity('Microsoft.ApiManagement/service/diagnostics', 80),
  apimBackend: {
    type: 'Microsoft.ApiManagement/service/backends',
    min: 1,
    max: 80,
    pattern: /^[^*#&+:<>?/]+$/,
    text: 'It must be 1 to 80 characters and cannot contain any of * # & + : < > ? /.',
  },
  cognitiveAccount: {
    type: 'Microsoft.CognitiveServices/accounts',
    min: 2,
    max: 64,
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/,
    text: 'It must be 2 to 64 characters, start with a letter or digit, and contain only letters, digits, periods, underscores and hyphens.',
  },
  cognitiveDeployment: {
    type: 'Microsoft.CognitiveServices/accounts/deployments',
    min: 2,
    max: 64,
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/,
    text: 'It must be 2 to 64 characters, start with a letter or digit, and contain only letters, digits, periods, underscores and hyphens.',
  },
  workspace: {
    type: 'Microsoft.OperationalInsights/workspaces',
    min: 4,
    max: 63,
    pattern: /^[A-Za-z0-9][A-Za-z0-9-]+[A-Za-z0-9]$/,
    text: 'It must be 4 to 63 characters, contain only letters, digits and hyphens, and start and end with a letter or digit.',
  },
  component: {
    type: 'Microsoft.Insights/components',
    min: 1,
    max: 260,
    pattern: /^[^%&\\?/\u0000-\u001f]*[^%&\\?/\u0000-\u001f. ]$/,
    text: 'It must be 1 to 260 characters, cannot contain % & \\ ? / or control characters, and cannot end with a period or a space.',
  },
} satisfies Record<string, NameRule>;

export function checkName(name: string, rule: NameRule): void {
  if (name.length < rule.min || name.length > rule.max || !rule.pattern.test(name)) {
    throw invalidResourceName(name, rule.type, rule.text);
  }
}

/** Resource group names: 1-90 letters, digits, `-`, `_`, `.`, `(`, `)`; not ending in a period. */
export function checkResourceGroupName(name: string): void {
  if (name.length < 1 || name.length > 90 || !/^[-\w.()\p{L}\p{N}]+$/u.test(name) || name.endsWith('.')) {
    throw new ArmError(
      400,
      'InvalidResourceGroup',
      `The provided resource group name '${name}' is invalid. The name can be 1 to 90 characters: letters, digits, '-', '.', '(', ')' or '_', and cannot end with a period. See https://aka.ms/resourcegroupnaming for more details.`,
    );
  }
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return guidPattern.test(value);
}

export function checkSubscriptionId(subscriptionId: string): void {
  if (!isGuid(subscriptionId)) {
    throw new ArmError(400, 'InvalidSubscriptionId', `The provided subscription identifier '${subscriptionId}' is malformed or invalid.`);
  }
}

export function checkRoleAssignmentName(name: string): void {
  if (!isGuid(name)) {
    throw new ArmError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
  }
}

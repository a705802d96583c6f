/**
 * Who may call a model, and which deployment answers: the account behind an endpoint's custom
 * subdomain, its `api-key` (key1 or key2) or an Entra bearer token whose principal holds a data
 * role on the account (assigned on the account or on a scope above it), and the deployment by name.
 */
import type { SandboxRequest, SandboxResponse } from '../core/exchange.ts';
import type { ArmResource, ResourceView } from '../core/resources.ts';
import {
  invalidKey,
  invalidToken,
  keyAuthDisabled,
  missingKeyOrToken,
  permissionDenied,
} from './errors.ts';

export const COGNITIVE_SERVICES_AUDIENCE = 'https://cognitiveservices.azure.com';

/** Built-in roles whose data actions include Azure OpenAI inference. */
export const INFERENCE_ROLE_DEFINITION_IDS: Readonly<Record<string, string>> = {
  '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd': 'Cognitive Services OpenAI User',
  'a001fd3d-188f-4b5d-821b-7da978bf7442': 'Cognitive Services OpenAI Contributor',
  'a97b65f3-24c7-4388-baec-2e87135dc908': 'Cognitive Services User',
  '64702f94-c441-49e6-a78b-ef80e0188fee': 'Azure AI Developer',
  '53ca6127-db72-4b80-b1b0-d745d6d5456d': 'Azure AI User',
};

export type BearerVerifier = (token: string) => { principalId: string; audience: string } | undefined;

const ACCOUNT_TYPE = 'Microsoft.CognitiveServices/accounts';
const ROLE_ASSIGNMENT_TYPE = 'Microsoft.Authorization/roleAssignments';
const ROLE_ASSIGNMENT_SEGMENT = '/providers/microsoft.authorization/roleassignments/';

/** Account kinds that serve the Azure OpenAI routes. */
const OPENAI_KINDS = new Set(['openai', 'aiservices']);

/** The Azure OpenAI (or AI Services) account whose `customSubDomainName` is `subdomain`. */
export function findAccount(resources: ResourceView, subdomain: string): ArmResource | undefined {
  const wanted = subdomain.toLowerCase();
  return resources
    .ofType(ACCOUNT_TYPE)
    .find(
      (account) =>
        OPENAI_KINDS.has(String(account.kind ?? '').toLowerCase()) &&
        String(account.properties.customSubDomainName ?? '').toLowerCase() === wanted,
    );
}

/** The deployment named `name` (any casing) under `account`, once it has finished provisioning. */
export function findDeployment(resources: ResourceView, account: ArmResource, name: string): ArmResource | undefined {
  const wanted = name.toLowerCase();
  const deployment = resources.children(account.id, 'deployments').find((d) => d.name.toLowerCase() === wanted);
  if (deployment === undefined) return undefined;
  const state = deployment.properties.provisioningState;
  return state === undefined || state === 'Succeeded' ? deployment : undefined;
}

function normalizedAudience(audience: string): string {
  return audience.replace(/\/\.default$/, '').replace(/\/+$/, '').toLowerCase();
}

function roleDefinitionGuid(roleDefinitionId: unknown): string {
  return String(roleDefinitionId ?? '').split('/').pop()?.toLowerCase() ?? '';
}

/** The scope a role assignment applies to: `properties.scope`, else the part of its id before the provider. */
function assignmentScope(assignment: ArmResource): string {
  const declared = assignment.properties.scope;
  if (typeof declared === 'string' && declared.length > 0) return declared.replace(/\/+$/, '').toLowerCase();
  const id = assignment.id.toLowerCase();
  const at = id.indexOf(ROLE_ASSIGNMENT_SEGMENT);
  return at < 0 ? id : id.slice(0, at);
}

/** Whether `principalId` holds an inference role on `account` (directly or inherited from a parent scope). */
export function hasInferenceRole(resources: ResourceView, account: ArmResource, principalId: string): boolean {
  const accountId = account.id.replace(/\/+$/, '').toLowerCase();
  const principal = principalId.toLowerCase();
  return resources.ofType(ROLE_ASSIGNMENT_TYPE).some((assignment) => {
    if (String(assignment.properties.principalId ?? '').toLowerCase() !== principal) return false;
    if (INFERENCE_ROLE_DEFINITION_IDS[roleDefinitionGuid(assignment.properties.roleDefinitionId)] === undefined) return false;
    const scope = assignmentScope(assignment);
    return scope === '' || scope === '/' || accountId === scope || accountId.startsWith(`${scope}/`);
  });
}

/** The account's two keys, as ARM's `listKeys` returns them. */
function accountKeys(account: ArmResource): string[] {
  const secrets = account.secrets ?? {};
  return [secrets.key1, secrets.key2].filter((key): key is string => typeof key === 'string' && key.length > 0);
}

/**
 * The caller as Azure OpenAI authenticates it: undefined when allowed, else the error answer.
 * `keyAsBearer`: the v1 routes also take a key as `Authorization: Bearer <key>` (how the plain
 * `OpenAI` client sends its API key).
 */
export function authenticate(
  request: SandboxRequest,
  account: ArmResource,
  resources: ResourceView,
  verifyBearer: BearerVerifier,
  keyAsBearer = false,
): SandboxResponse | undefined {
  const apiKey = request.headers['api-key'];
  if (apiKey !== undefined) {
    if (account.properties.disableLocalAuth === true) return keyAuthDisabled();
    return accountKeys(account).includes(apiKey) ? undefined : invalidKey();
  }
  const authorization = request.headers.authorization;
  if (authorization === undefined) return missingKeyOrToken();
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (keyAsBearer && match !== null && accountKeys(account).includes(match[1])) {
    return account.properties.disableLocalAuth === true ? keyAuthDisabled() : undefined;
  }
  const claims = match === null ? undefined : verifyBearer(match[1]);
  if (claims === undefined || normalizedAudience(claims.audience) !== COGNITIVE_SERVICES_AUDIENCE) return invalidToken();
  return hasInferenceRole(resources, account, claims.principalId) ? undefined : permissionDenied();
}

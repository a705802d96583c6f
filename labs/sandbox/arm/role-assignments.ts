/**
 * `Microsoft.Authorization/roleAssignments` at any resource scope (`{scope}/providers/...`): PUT,
 * GET, DELETE and list, plus reading the built-in role definitions. The principal must exist (the
 * learner's own identity or a resource's managed identity) and the role must be a built-in one, as
 * Azure checks; the model uses these assignments to accept or refuse an APIM identity's token.
 */
import { jsonResponse, type SandboxResponse } from '../core/exchange.ts';
import { type ArmResource, resourceKey } from '../core/resources.ts';
import { authorizationApi } from './api-versions.ts';
import type { ArmContext } from './context.ts';
import { ArmError } from './errors.ts';
import { checkRoleAssignmentName, checkSubscriptionId, isGuid } from './names.ts';
import { builtInRoles, roleGuid } from './roles.ts';
import type { Route, RouteParams } from './router.ts';
import { propertiesOf, readBody, toWire } from './shape.ts';
import { detachTree } from './soft-delete.ts';

const TYPE = 'Microsoft.Authorization/roleAssignments';
const principalTypes = ['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'];

/** The scope's canonical id: the subscription, or a stored resource group or resource. */
function scopeId(ctx: ArmContext, scope: string): string {
  const subscription = /^\/subscriptions\/([^/]+)$/i.exec(scope);
  if (subscription !== null) {
    checkSubscriptionId(subscription[1]);
    return `/subscriptions/${subscription[1]}`;
  }
  const resource = ctx.store.get(scope);
  if (resource === undefined) {
    throw new ArmError(404, 'ResourceNotFound', `The scope '${scope}' does not exist. Role assignments are made on an existing subscription, resource group or resource.`);
  }
  return resource.id;
}

function knownPrincipal(ctx: ArmContext, principalId: string): boolean {
  const wanted = principalId.toLowerCase();
  if (ctx.store.learnerPrincipalId.toLowerCase() === wanted) return true;
  for (const type of ['Microsoft.ApiManagement/service', 'Microsoft.CognitiveServices/accounts']) {
    if (ctx.store.ofType(type).some((r) => String(r.identity?.principalId ?? '').toLowerCase() === wanted)) return true;
  }
  return false;
}

function putAssignment(ctx: ArmContext, p: RouteParams): SandboxResponse {
  checkRoleAssignmentName(p.roleAssignmentName);
  const scope = scopeId(ctx, p.scope);
  const properties = propertiesOf(readBody(ctx));
  const roleDefinitionId = properties.roleDefinitionId;
  const principalId = properties.principalId;
  if (typeof roleDefinitionId !== 'string' || builtInRoles[roleGuid(roleDefinitionId)] === undefined) {
    throw new ArmError(400, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${roleGuid(String(roleDefinitionId ?? ''))}' does not exist.`);
  }
  if (typeof principalId !== 'string' || !isGuid(principalId) || !knownPrincipal(ctx, principalId)) {
    throw new ArmError(
      400,
      'PrincipalNotFound',
      `Principal ${String(principalId ?? '')} does not exist in the directory ${ctx.store.tenantId}. Check that you have the correct principal ID (for a managed identity: the resource's identity.principalId).`,
    );
  }
  const principalType = properties.principalType ?? 'ServicePrincipal';
  if (!principalTypes.includes(String(principalType))) {
    throw new ArmError(400, 'InvalidPrincipalType', `principalType must be one of: ${principalTypes.join(', ')}.`);
  }
  const id = `${scope}/providers/${TYPE}/${p.roleAssignmentName}`;
  const existing = ctx.store.get(id);
  const role = `/subscriptions/${/^\/subscriptions\/([^/]+)/i.exec(scope)?.[1]}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid(roleDefinitionId)}`;
  if (existing !== undefined) {
    if (roleGuid(String(existing.properties.roleDefinitionId)) === roleGuid(roleDefinitionId) && String(existing.properties.principalId).toLowerCase() === principalId.toLowerCase()) {
      return jsonResponse(201, toWire(existing));
    }
    throw new ArmError(409, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
  }
  const duplicate = ctx.store.children(scope, 'roleAssignments').find((a) =>
    roleGuid(String(a.properties.roleDefinitionId)) === roleGuid(roleDefinitionId) && String(a.properties.principalId).toLowerCase() === principalId.toLowerCase());
  if (duplicate !== undefined) throw new ArmError(409, 'RoleAssignmentExists', `The role assignment already exists (${duplicate.name}).`);
  const now = new Date(ctx.now()).toISOString();
  const assignment: ArmResource = {
    id,
    name: p.roleAssignmentName,
    type: TYPE,
    properties: {
      roleDefinitionId: role,
      principalId,
      principalType,
      scope,
      ...(typeof properties.description === 'string' ? { description: properties.description } : {}),
      ...(typeof properties.condition === 'string' ? { condition: properties.condition, conditionVersion: properties.conditionVersion ?? '2.0' } : {}),
      createdOn: now,
      updatedOn: now,
      createdBy: ctx.principalId,
      updatedBy: ctx.principalId,
    },
  };
  ctx.store.update((state) => {
    state.resources[resourceKey(id)] = assignment;
  });
  return jsonResponse(201, toWire(assignment));
}

function getAssignment(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const assignment = ctx.store.get(`${scopeId(ctx, p.scope)}/providers/${TYPE}/${p.roleAssignmentName}`);
  if (assignment === undefined) throw new ArmError(404, 'RoleAssignmentNotFound', `The role assignment '${p.roleAssignmentName}' is not found.`);
  return jsonResponse(200, toWire(assignment));
}

function deleteAssignment(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const assignment = ctx.store.get(`${scopeId(ctx, p.scope)}/providers/${TYPE}/${p.roleAssignmentName}`);
  if (assignment === undefined) return { status: 204, headers: {}, body: '' };
  ctx.store.update((state) => {
    detachTree(state, assignment.id);
  });
  return jsonResponse(200, toWire(assignment));
}

function listAssignments(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const scope = scopeId(ctx, p.scope);
  const filter = /principalId\s+eq\s+'([^']+)'/i.exec(ctx.req.query.get('$filter') ?? '')?.[1]?.toLowerCase();
  const items = ctx.store.children(scope, 'roleAssignments').filter((a) => filter === undefined || String(a.properties.principalId).toLowerCase() === filter);
  return jsonResponse(200, { value: items.map(toWire) });
}

function roleDefinition(scope: string, guid: string): Record<string, unknown> {
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
  const role = builtInRoles[guid];
  return {
    id: `${subscription !== undefined ? `/subscriptions/${subscription}` : ''}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    name: guid,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: { roleName: role.roleName, type: 'BuiltInRole', description: role.description, assignableScopes: ['/'], permissions: [{ actions: [], notActions: [], dataActions: [], notDataActions: [] }] },
  };
}

function listRoleDefinitions(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const name = /roleName\s+eq\s+'([^']+)'/i.exec(ctx.req.query.get('$filter') ?? '')?.[1]?.toLowerCase();
  const guids = Object.keys(builtInRoles).filter((guid) => name === undefined || builtInRoles[guid].roleName.toLowerCase() === name);
  return jsonResponse(200, { value: guids.map((guid) => roleDefinition(p.scope, guid)) });
}

function getRoleDefinition(_ctx: ArmContext, p: RouteParams): SandboxResponse {
  const guid = p.roleDefinitionId.toLowerCase();
  if (builtInRoles[guid] === undefined) throw new ArmError(404, 'RoleDefinitionDoesNotExist', `The role definition '${p.roleDefinitionId}' could not be found.`);
  return jsonResponse(200, roleDefinition(p.scope, guid));
}

const assignments = '{*scope}/providers/Microsoft.Authorization/roleAssignments';
const definitions = '{*scope}/providers/Microsoft.Authorization/roleDefinitions';

export const roleAssignmentRoutes: Route<ArmContext>[] = [
  { methods: ['GET'], pattern: assignments, versions: authorizationApi, handle: listAssignments },
  { methods: ['PUT'], pattern: `${assignments}/{roleAssignmentName}`, versions: authorizationApi, handle: putAssignment },
  { methods: ['GET'], pattern: `${assignments}/{roleAssignmentName}`, versions: authorizationApi, handle: getAssignment },
  { methods: ['DELETE'], pattern: `${assignments}/{roleAssignmentName}`, versions: authorizationApi, handle: deleteAssignment },
  { methods: ['GET'], pattern: definitions, versions: authorizationApi, handle: listRoleDefinitions },
  { methods: ['GET'], pattern: `${definitions}/{roleDefinitionId}`, versions: authorizationApi, handle: getRoleDefinition },
];

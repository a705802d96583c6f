/**
 * `Microsoft.CognitiveServices/accounts` (kind OpenAI and friends): PUT as a long-running
 * operation, GET, list, DELETE to soft-delete, restore through `properties.restore`, `listKeys`
 * and `regenerateKey`. The endpoint of an account with a custom subdomain is the sandbox's
 * Azure OpenAI data plane, `https://127.0.0.1:{port}/aoai/{customSubDomainName}/`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { jsonResponse, type SandboxResponse } from '../core/exchange.ts';
import { type ArmResource, resourceKey } from '../core/resources.ts';
import { cognitiveApi } from './api-versions.ts';
import type { ArmContext } from './context.ts';
import { ArmError, resourceNotFound } from './errors.ts';
import { normalizeLocation } from './locations.ts';
import { asyncHeaders, longRunningDelete, recordOperation } from './lro.ts';
import { checkName, nameRules } from './names.ts';
import type { Route, RouteParams } from './router.ts';
import { type Json, listInGroup, newEtag, propertiesOf, readBody, requireResourceGroup, resourceResponse, systemData, tagsOf } from './shape.ts';
import { ACCOUNT_TYPE, deletedAccountKey, deleteTree, expireDeleted, restoreDeleted } from './soft-delete.ts';
import { identityFor } from './managed-identity.ts';

const kinds = ['OpenAI', 'AIServices', 'CognitiveServices', 'TextAnalytics', 'SpeechServices', 'FormRecognizer', 'ComputerVision', 'ContentSafety'];
const subdomainPattern = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,62}[a-zA-Z0-9])?$/;

function accountId(group: ArmResource, name: string): string {
  return `${group.id}/providers/${ACCOUNT_TYPE}/${name}`;
}

/** The stored account, or ARM's 404. */
export function requireAccount(ctx: ArmContext, p: RouteParams): ArmResource {
  const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  const account = ctx.store.get(accountId(group, p.accountName));
  if (account === undefined) throw resourceNotFound(ACCOUNT_TYPE, p.accountName, p.resourceGroupName);
  return account;
}

function newKey(): string {
  return randomBytes(16).toString('hex');
}

function subdomainTaken(ctx: ArmContext, subdomain: string, exceptId: string): boolean {
  const wanted = subdomain.toLowerCase();
  const live = ctx.store.ofType(ACCOUNT_TYPE).some((account) =>
    resourceKey(account.id) !== resourceKey(exceptId) && String(account.properties.customSubDomainName ?? '').toLowerCase() === wanted);
  const deleted = ctx.store.deletedEntries().some((entry) =>
    entry.kind === 'cognitive' && resourceKey(entry.resource.id) !== resourceKey(exceptId) &&
    String(entry.resource.properties.customSubDomainName ?? '').toLowerCase() === wanted);
  return live || deleted;
}

function endpointFor(ctx: ArmContext, subdomain: string | undefined, location: string): string {
  return subdomain === undefined ? `https://${location}.api.cognitive.microsoft.com/` : `${ctx.origin}/aoai/${subdomain}/`;
}

function validateAccountBody(body: Json): { kind: string; sku: Json; properties: Json } {
  const kind = body.kind;
  if (typeof kind !== 'string' || !kinds.some((k) => k.toLowerCase() === kind.toLowerCase())) {
    throw new ArmError(400, 'InvalidKind', `The account kind '${String(kind)}' is not valid. Use one of: ${kinds.join(', ')} (the Azure OpenAI labs use OpenAI).`);
  }
  const sku = body.sku as Json | undefined;
  if (sku === undefined || sku === null || typeof sku !== 'object' || typeof sku.name !== 'string' || sku.name === '') {
    throw new ArmError(400, 'InvalidSku', "The 'sku' property is required, e.g. { \"name\": \"S0\" }.");
  }
  const properties = propertiesOf(body);
  const subdomain = properties.customSubDomainName;
  if (subdomain !== undefined && subdomain !== null && (typeof subdomain !== 'string' || !subdomainPattern.test(subdomain) || subdomain.length < 2)) {
    throw new ArmError(400, 'InvalidSubdomainName', `The custom subdomain name '${String(subdomain)}' is invalid. It must be 2 to 64 letters, digits or hyphens, starting and ending with a letter or digit.`);
  }
  return { kind: kinds.find((k) => k.toLowerCase() === kind.toLowerCase()) ?? kind, sku, properties };
}

function restore(ctx: ArmContext, key: string): SandboxResponse {
  const restored = restoreDeleted(ctx, key, 'Creating');
  if (restored === undefined) {
    throw new ArmError(400, 'ResourceNotSoftDeleted', 'There is no soft-deleted account with this name to restore. Remove properties.restore to create a new account.');
  }
  const { entry, op } = restored;
  return resourceResponse(201, { ...entry.resource, properties: { ...entry.resource.properties, provisioningState: 'Creating' } }, asyncHeaders(ctx, entry.resource.id, op));
}

function putAccount(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  checkName(p.accountName, nameRules.cognitiveAccount);
  const body = readBody(ctx);
  const location = normalizeLocation(body.location);
  const { kind, sku, properties } = validateAccountBody(body);
  const tags = tagsOf(body);
  const id = accountId(group, p.accountName);
  const existing = ctx.store.get(id);
  const deletedKey = deletedAccountKey(p.subscriptionId, location, group.name, p.accountName);
  if (existing === undefined && ctx.store.deletedEntry(deletedKey) !== undefined) {
    if (properties.restore === true) return restore(ctx, deletedKey);
    throw new ArmError(
      409,
      'FlagMustBeSetForRestore',
      `An existing resource with ID '${id}' has been soft-deleted. To restore the resource, you must specify 'restore' to be 'true' in the property. If you don't want to restore existing resource, please purge it first.`,
    );
  }
  if (existing !== undefined && existing.kind !== kind) {
    throw new ArmError(409, 'CanNotUpdateKind', `The kind of account '${p.accountName}' is ${existing.kind}; it cannot be changed to ${kind}. Create a new account instead.`);
  }
  const oldSubdomain = existing?.properties.customSubDomainName as string | undefined;
  const subdomain = (properties.customSubDomainName as string | undefined) ?? oldSubdomain;
  if (oldSubdomain !== undefined && subdomain !== undefined && oldSubdomain.toLowerCase() !== subdomain.toLowerCase()) {
    throw new ArmError(400, 'CustomSubDomainNameCannotBeChanged', `The custom subdomain of account '${p.accountName}' is '${oldSubdomain}' and cannot be changed.`);
  }
  if (subdomain !== undefined && subdomainTaken(ctx, subdomain, id)) {
    throw new ArmError(409, 'CustomDomainInUse', `Please pick a different name. The subdomain name '${subdomain}' is not available as it's already used by a resource.`);
  }
  const endpoint = endpointFor(ctx, subdomain, location);
  const { restore: _restore, ...requested } = properties;
  const account: ArmResource = {
    id,
    name: p.accountName,
    type: ACCOUNT_TYPE,
    location,
    kind,
    sku: { name: sku.name as string },
    ...(tags !== undefined ? { tags } : {}),
    ...identityFor(body, existing, ctx.store.tenantId),
    etag: newEtag(),
    systemData: systemData(ctx, existing),
    properties: {
      ...requested,
      ...(subdomain !== undefined ? { customSubDomainName: subdomain } : {}),
      publicNetworkAccess: requested.publicNetworkAccess ?? 'Enabled',
      endpoint,
      endpoints: { 'OpenAI Language Model Instance API': endpoint, 'OpenAI Realtime API': endpoint.replace(/^https/, 'wss') },
      internalId: (existing?.properties.internalId as string | undefined) ?? randomUUID().replace(/-/g, ''),
      dateCreated: (existing?.properties.dateCreated as string | undefined) ?? new Date(ctx.now()).toISOString(),
      isMigrated: false,
      provisioningState: 'Succeeded',
    },
    secrets: existing?.secrets ?? { key1: newKey(), key2: newKey() },
  };
  const transitional = existing === undefined ? 'Creating' : 'Updating';
  const op = ctx.store.update((state) => {
    expireDeleted(ctx, state);
    state.resources[resourceKey(id)] = account;
    return recordOperation(ctx, state, id, 'put', transitional);
  });
  return resourceResponse(existing === undefined ? 201 : 200, { ...account, properties: { ...account.properties, provisioningState: transitional } }, asyncHeaders(ctx, id, op));
}

function getAccount(ctx: ArmContext, p: RouteParams): SandboxResponse {
  return resourceResponse(200, requireAccount(ctx, p));
}

function deleteAccount(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const group = requireResourceGroup(ctx, p.subscriptionId, p.resourceGroupName);
  const account = ctx.store.get(accountId(group, p.accountName));
  if (account === undefined) return { status: 204, headers: {}, body: '' };
  return longRunningDelete(ctx, account.id, (state) => deleteTree(ctx, state, account.id));
}

function listAccounts(ctx: ArmContext, p: RouteParams): SandboxResponse {
  return listInGroup(ctx, p.subscriptionId, p.resourceGroupName, ACCOUNT_TYPE);
}

function listKeys(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const account = requireAccount(ctx, p);
  return jsonResponse(200, { key1: account.secrets?.key1, key2: account.secrets?.key2 });
}

function regenerateKey(ctx: ArmContext, p: RouteParams): SandboxResponse {
  const account = requireAccount(ctx, p);
  const keyName = String(readBody(ctx).keyName ?? '');
  const slot = keyName.toLowerCase() === 'key1' ? 'key1' : keyName.toLowerCase() === 'key2' ? 'key2' : undefined;
  if (slot === undefined) throw new ArmError(400, 'InvalidKeyName', "keyName must be 'Key1' or 'Key2'.");
  const secrets = { ...account.secrets, [slot]: newKey() };
  ctx.store.update((state) => {
    const stored = state.resources[resourceKey(account.id)];
    stored.secrets = secrets;
  });
  return jsonResponse(200, { key1: secrets.key1, key2: secrets.key2 });
}

const base = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.CognitiveServices/accounts';

export const cognitiveAccountRoutes: Route<ArmContext>[] = [
  { methods: ['GET'], pattern: base, versions: cognitiveApi, handle: listAccounts },
  { methods: ['PUT'], pattern: `${base}/{accountName}`, versions: cognitiveApi, handle: putAccount },
  { methods: ['GET'], pattern: `${base}/{accountName}`, versions: cognitiveApi, handle: getAccount },
  { methods: ['DELETE'], pattern: `${base}/{accountName}`, versions: cognitiveApi, handle: deleteAccount },
  { methods: ['POST'], pattern: `${base}/{accountName}/listKeys`, versions: cognitiveApi, handle: listKeys },
  { methods: ['POST'], pattern: `${base}/{accountName}/regenerateKey`, versions: cognitiveApi, handle: regenerateKey },
];

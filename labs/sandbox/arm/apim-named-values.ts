/**
 * APIM named values (`.../namedValues/{id}`), answered as a long-running operation. A secret's
 * value never appears in GET or list answers; it is read with `POST .../listValue`.
 */
import { jsonResponse } from '../core/exchange.ts';
import { entityRoutes, type EntityInput } from './apim-entities.ts';
import type { ArmContext } from './context.ts';
import { validationError, type ErrorDetail } from './errors.ts';
import { nameRules } from './names.ts';
import type { Json } from './shape.ts';

function build(_ctx: ArmContext, input: EntityInput): { properties: Json; secrets: Record<string, string> } {
  const p = input.properties;
  const details: ErrorDetail[] = [];
  if (typeof p.displayName !== 'string' || !/^[A-Za-z0-9._-]{1,256}$/.test(p.displayName)) {
    details.push({ code: 'ValidationError', target: 'displayName', message: 'displayName is required and may contain only letters, digits, periods, hyphens and underscores.' });
  }
  const keyVault = p.keyVault as Json | undefined;
  if (keyVault !== undefined && keyVault !== null) {
    details.push({ code: 'ValidationError', target: 'keyVault', message: 'Key Vault references are not available in the sandbox; send the value itself with "secret": true.' });
  }
  const previous = input.existing?.secrets?.value;
  const value = p.value === undefined ? previous : p.value;
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096) {
    details.push({ code: 'ValidationError', target: 'value', message: 'value is required: a string of 1 to 4096 characters.' });
  }
  if (p.tags !== undefined && (!Array.isArray(p.tags) || p.tags.some((t) => typeof t !== 'string'))) {
    details.push({ code: 'ValidationError', target: 'tags', message: 'tags must be an array of strings.' });
  }
  if (details.length > 0) throw validationError(details);
  const secret = p.secret === true;
  const properties: Json = { displayName: p.displayName, secret, tags: p.tags ?? [] };
  if (!secret) properties.value = value;
  return { properties, secrets: { value: value as string } };
}

export const namedValueRoutes = entityRoutes({
  segment: 'namedValues',
  type: 'Microsoft.ApiManagement/service/namedValues',
  label: 'NamedValue',
  rule: nameRules.apimNamedValue,
  parent: 'service',
  longRunning: true,
  build,
  actions: {
    listValue: (_ctx, entity) => jsonResponse(200, { value: entity.secrets?.value ?? entity.properties.value }),
  },
});

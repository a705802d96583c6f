/**
 * APIM loggers (`.../service/{svc}/loggers/{id}`). An `applicationInsights` logger's instrumentation
 * key or connection string is kept as a secret named value `Logger-Credentials--{hex}`, and the
 * answer shows the `{{Logger-Credentials--...}}` reference instead of the secret, as Azure does.
 */
import { randomBytes } from 'node:crypto';
import { resourceKey } from '../core/resources.ts';
import { entityRoutes, type EntityInput } from './apim-entities.ts';
import type { ArmContext } from './context.ts';
import { validationError, type ErrorDetail } from './errors.ts';
import { nameRules } from './names.ts';
import { type Json, newEtag } from './shape.ts';

const loggerTypes = ['applicationInsights', 'azureEventHub', 'azureMonitor'];
const reference = /^\{\{([^{}]+)\}\}$/;

interface CredentialSecret {
  field: 'instrumentationKey' | 'connectionString';
  value: string;
  namedValue: string;
}

/** The secret credential to keep as a named value, if one was sent (not already a `{{reference}}`). */
function credentialSecret(input: EntityInput, credentials: Json): CredentialSecret | undefined {
  for (const field of ['instrumentationKey', 'connectionString'] as const) {
    const value = credentials[field];
    if (typeof value === 'string' && value !== '' && !reference.test(value)) {
      const previousName = reference.exec(String((input.existing?.properties.credentials as Json | undefined)?.[field] ?? ''))?.[1];
      return { field, value, namedValue: previousName ?? `Logger-Credentials--${randomBytes(12).toString('hex')}` };
    }
  }
  return undefined;
}

function build(_ctx: ArmContext, input: EntityInput): { properties: Json; secrets?: Record<string, string> } {
  const p = input.properties;
  const details: ErrorDetail[] = [];
  const loggerType = loggerTypes.find((t) => t.toLowerCase() === String(p.loggerType ?? '').toLowerCase());
  if (loggerType === undefined) details.push({ code: 'ValidationError', target: 'loggerType', message: `loggerType is required: one of ${loggerTypes.join(', ')}.` });
  const credentials = (p.credentials ?? {}) as Json;
  if (typeof credentials !== 'object' || Array.isArray(credentials)) details.push({ code: 'ValidationError', target: 'credentials', message: 'credentials must be an object.' });
  if (loggerType === 'applicationInsights' && typeof credentials.instrumentationKey !== 'string' && typeof credentials.connectionString !== 'string') {
    details.push({ code: 'ValidationError', target: 'credentials', message: 'An applicationInsights logger needs credentials.instrumentationKey or credentials.connectionString.' });
  }
  if (details.length > 0) throw validationError(details);
  const secret = credentialSecret(input, credentials);
  const shownCredentials = secret === undefined ? credentials : { ...credentials, [secret.field]: `{{${secret.namedValue}}}` };
  return {
    properties: { ...p, loggerType, credentials: shownCredentials, isBuffered: p.isBuffered ?? true },
    ...(secret !== undefined ? { secrets: { [secret.field]: secret.value } } : input.existing?.secrets !== undefined ? { secrets: input.existing.secrets } : {}),
  };
}

export const loggerRoutes = entityRoutes({
  segment: 'loggers',
  type: 'Microsoft.ApiManagement/service/loggers',
  label: 'Logger',
  rule: nameRules.apimLogger,
  parent: 'service',
  build,
  alsoWrite: (_ctx, state, logger, input) => {
    const credentials = logger.properties.credentials as Json;
    for (const [field, value] of Object.entries(logger.secrets ?? {})) {
      const name = reference.exec(String(credentials[field] ?? ''))?.[1];
      if (name === undefined || input.properties.credentials === undefined) continue;
      const id = `${input.service.id}/namedValues/${name}`;
      state.resources[resourceKey(id)] = {
        id,
        name,
        type: 'Microsoft.ApiManagement/service/namedValues',
        etag: newEtag(),
        properties: { displayName: name, secret: true, tags: [] },
        secrets: { value },
      };
    }
  },
});

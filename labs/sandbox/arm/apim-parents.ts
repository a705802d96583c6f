/**
 * Finding the API an APIM child entity hangs under (`.../service/{svc}/apis/{apiId}`), with APIM's
 * 404 "Api not found." when it is not there. A `;rev=N` suffix names the API's current revision.
 */
import type { ArmResource } from '../core/resources.ts';
import type { ArmContext } from './context.ts';
import { entityNotFound } from './errors.ts';

export function apiIdOf(raw: string): string {
  return raw.replace(/;rev=\d+$/i, '');
}

export function requireApi(ctx: ArmContext, service: ArmResource, apiId: string): ArmResource {
  const api = ctx.store.get(`${service.id}/apis/${apiIdOf(apiId)}`);
  if (api === undefined) throw entityNotFound('Api');
  return api;
}

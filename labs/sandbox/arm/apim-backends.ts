/**
 * APIM backends (`.../service/{svc}/backends/{id}`): a single URL (`protocol` http or soap) or a
 * load-balanced pool of other backends, with optional credentials, TLS and circuit breaker.
 */
import { type ArmContext } from './context.ts';
import { entityRoutes, type EntityInput } from './apim-entities.ts';
import { validationError, type ErrorDetail } from './errors.ts';
import { nameRules } from './names.ts';
import type { Json } from './shape.ts';

function build(ctx: ArmContext, input: EntityInput): { properties: Json } {
  const p = input.properties;
  const details: ErrorDetail[] = [];
  const type = p.type === undefined ? 'Single' : p.type;
  if (type !== 'Single' && type !== 'Pool') details.push({ code: 'ValidationError', target: 'type', message: "type must be 'Single' or 'Pool'." });
  if (type === 'Pool') {
    const services = (p.pool as Json | undefined)?.services;
    if (!Array.isArray(services) || services.length === 0) {
      details.push({ code: 'ValidationError', target: 'pool', message: 'A Pool backend needs pool.services: [{ "id": "/backends/<id>" }, ...].' });
    } else {
      for (const item of services as Json[]) {
        const name = String(item?.id ?? '').split('/').filter(Boolean).pop() ?? '';
        if (ctx.store.get(`${input.service.id}/backends/${name}`) === undefined) {
          details.push({ code: 'ValidationError', target: 'pool', message: `Backend '${String(item?.id)}' in the pool does not exist.` });
        }
      }
    }
  } else {
    if (typeof p.url !== 'string' || !/^https?:\/\/[^\s]+$/i.test(p.url)) {
      details.push({ code: 'ValidationError', target: 'url', message: 'url is required and must be an absolute http or https URL.' });
    }
    if (p.protocol !== 'http' && p.protocol !== 'soap') {
      details.push({ code: 'ValidationError', target: 'protocol', message: "protocol is required: 'http' or 'soap'." });
    }
  }
  if (details.length > 0) throw validationError(details);
  return { properties: { ...p, type } };
}

export const backendRoutes = entityRoutes({
  segment: 'backends',
  type: 'Microsoft.ApiManagement/service/backends',
  label: 'Backend',
  rule: nameRules.apimBackend,
  parent: 'service',
  build,
});

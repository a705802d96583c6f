/**
 * APIM diagnostics at service scope (`.../diagnostics/{id}`, "All APIs") and API scope
 * (`.../apis/{apiId}/diagnostics/{id}`). The one named `applicationinsights` with `metrics: true`
 * is what lets token-metric policies send custom metrics. `loggerId` must name an existing logger
 * (`/loggers/{id}` or its full id); it is answered as the full id.
 */
import { entityRoutes, type EntityInput, type EntitySpec } from './apim-entities.ts';
import type { ArmContext } from './context.ts';
import { validationError, type ErrorDetail } from './errors.ts';
import { nameRules } from './names.ts';
import type { Json } from './shape.ts';

const verbosities = ['verbose', 'information', 'error'];
const correlation = ['None', 'Legacy', 'W3C'];
const nameFormats = ['Name', 'Url'];

function checkEnum(details: ErrorDetail[], p: Json, field: string, allowed: string[]): void {
  if (p[field] !== undefined && !allowed.includes(String(p[field]))) {
    details.push({ code: 'ValidationError', target: field, message: `${field} must be one of: ${allowed.join(', ')}.` });
  }
}

function build(ctx: ArmContext, input: EntityInput): { properties: Json } {
  const p = input.properties;
  const details: ErrorDetail[] = [];
  const loggerName = String(p.loggerId ?? '').split('/').filter(Boolean).pop();
  const logger = loggerName === undefined ? undefined : ctx.store.get(`${input.service.id}/loggers/${loggerName}`);
  if (logger === undefined) {
    details.push({ code: 'ValidationError', target: 'loggerId', message: `Logger '${String(p.loggerId ?? '')}' not found. Create the logger first and pass its id.` });
  } else if (input.name.toLowerCase() === 'applicationinsights' && logger.properties.loggerType !== 'applicationInsights') {
    details.push({ code: 'ValidationError', target: 'loggerId', message: `The diagnostic 'applicationinsights' needs an applicationInsights logger; '${logger.name}' is ${String(logger.properties.loggerType)}.` });
  }
  if (p.alwaysLog !== undefined && p.alwaysLog !== 'allErrors') details.push({ code: 'ValidationError', target: 'alwaysLog', message: "alwaysLog may only be 'allErrors'." });
  checkEnum(details, p, 'verbosity', verbosities);
  checkEnum(details, p, 'httpCorrelationProtocol', correlation);
  checkEnum(details, p, 'operationNameFormat', nameFormats);
  const sampling = p.sampling as Json | undefined;
  if (sampling !== undefined && sampling !== null) {
    const percentage = sampling.percentage;
    if (sampling.samplingType !== 'fixed' || typeof percentage !== 'number' || percentage < 0 || percentage > 100) {
      details.push({ code: 'ValidationError', target: 'sampling', message: "sampling must be { \"samplingType\": \"fixed\", \"percentage\": 0..100 }." });
    }
  }
  if (p.metrics !== undefined && typeof p.metrics !== 'boolean') details.push({ code: 'ValidationError', target: 'metrics', message: 'metrics must be true or false.' });
  if (details.length > 0) throw validationError(details);
  return { properties: { ...p, loggerId: logger?.id } };
}

const common: Omit<EntitySpec, 'parent'> = {
  segment: 'diagnostics',
  type: 'Microsoft.ApiManagement/service/diagnostics',
  label: 'Diagnostic',
  rule: nameRules.apimDiagnostic,
  build,
};

export const serviceDiagnosticRoutes = entityRoutes({ ...common, parent: 'service' });
export const apiDiagnosticRoutes = entityRoutes({ ...common, type: 'Microsoft.ApiManagement/service/apis/diagnostics', parent: 'api' });

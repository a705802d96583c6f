/**
 * Named values: `{{name}}` in a policy's literal attribute values and texts (and in a backend's
 * URL or credentials) stands for the value of the service's named value with that display name.
 */
import type { ArmResource, ResourceView } from '../core/resources.ts';

export class NamedValueError extends Error {}

function namedValue(resources: ResourceView, service: ArmResource, name: string): string {
  const wanted = name.trim().toLowerCase();
  const found = resources
    .children(service.id, 'namedValues')
    .find((item) => item.name.toLowerCase() === wanted || String(item.properties.displayName ?? '').toLowerCase() === wanted);
  if (!found) throw new NamedValueError(`Cannot find a named value '${name}' in the API Management service.`);
  const value = found.secrets?.value ?? found.properties.value;
  if (typeof value !== 'string') throw new NamedValueError(`The named value '${name}' has no value the sandbox can read.`);
  return value;
}

export function resolveNamedValues(resources: ResourceView, service: ArmResource, text: string): string {
  if (!text.includes('{{')) return text;
  return text.replace(/\{\{([^{}]+)\}\}/g, (_match, name: string) => namedValue(resources, service, name));
}

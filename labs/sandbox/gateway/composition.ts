/**
 * The effective policy of a call: the service (global), product, API and operation documents,
 * each `<base />` replaced by the section of the next broader scope. A scope without a policy
 * inherits everything; a global scope without a policy has API Management's default, which
 * forwards the request in the backend section.
 */
import type { ArmResource, ResourceView } from '../core/resources.ts';
import { loadPolicyDocument, type PolicyDocument, type PolicyElement, type PolicyScope, type Section } from '../policy/index.ts';

const DEFAULT_GLOBAL_POLICY = '<policies><inbound /><backend><forward-request /></backend><outbound /><on-error /></policies>';

export class StoredPolicyError extends Error {}

const documents = new Map<string, PolicyDocument>();

function parse(xml: string, scope: PolicyScope, where: string): PolicyDocument {
  const key = `${scope}\u0000${xml}`;
  const cached = documents.get(key);
  if (cached) return cached;
  const result = loadPolicyDocument(xml, scope);
  if (!result.ok) throw new StoredPolicyError(`The stored policy of ${where} cannot be run: ${result.error.details.map((d) => d.message).join(' ')}`);
  if (documents.size > 500) documents.clear();
  documents.set(key, result.document);
  return result.document;
}

function storedPolicy(resources: ResourceView, owner: ArmResource | undefined, scope: PolicyScope): PolicyDocument | undefined {
  if (!owner) return undefined;
  const policy = resources.get(`${owner.id}/policies/policy`);
  const value = policy?.properties.value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return parse(value, scope, owner.id);
}

export interface EffectivePolicy {
  sections: Record<Section, PolicyElement[]>;
}

function compose(levels: Array<PolicyDocument | undefined>, level: number, section: Section): PolicyElement[] {
  if (level < 0) return [];
  const document = levels[level];
  const elements = document?.sections[section];
  if (!elements) return compose(levels, level - 1, section);
  return elements.flatMap((element) => (element.name === 'base' ? compose(levels, level - 1, section) : [element]));
}

const composed = new Map<string, EffectivePolicy>();

export function effectivePolicy(resources: ResourceView, service: ArmResource, product: ArmResource | undefined, api: ArmResource, operation: ArmResource): EffectivePolicy {
  const levels = [
    storedPolicy(resources, service, 'global') ?? parse(DEFAULT_GLOBAL_POLICY, 'global', 'the default global policy'),
    storedPolicy(resources, product, 'product'),
    storedPolicy(resources, api, 'api'),
    storedPolicy(resources, operation, 'operation'),
  ];
  // Documents are cached objects, so their identities make a cheap cache key.
  const ids = levels.map((document) => (document ? documentId(document) : 0)).join(',');
  const cached = composed.get(ids);
  if (cached) return cached;
  const top = levels.length - 1;
  const effective: EffectivePolicy = {
    sections: {
      inbound: compose(levels, top, 'inbound'),
      backend: compose(levels, top, 'backend'),
      outbound: compose(levels, top, 'outbound'),
      'on-error': compose(levels, top, 'on-error'),
    },
  };
  if (composed.size > 500) composed.clear();
  composed.set(ids, effective);
  return effective;
}

const identities = new WeakMap<PolicyDocument, number>();
let nextIdentity = 1;

function documentId(document: PolicyDocument): number {
  let id = identities.get(document);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(document, id);
  }
  return id;
}

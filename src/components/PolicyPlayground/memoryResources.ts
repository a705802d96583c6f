/**
 * An in-memory `ResourceView` for the playground: the same lookups the sandbox's durable ARM
 * store answers (case-insensitive ids, children by type, resources by type), over a plain map
 * that the page changes when the reader flips a prerequisite or saves a policy.
 */
import { resourceKey, type ArmResource, type ResourceView } from '../../../labs/sandbox/core/resources.ts';

/**
 * Whether `id` is a direct child of `parentId` with the given child type, spelled in the id as
 * `{parent}/{childType}/{name}`, or as an extension resource `{parent}/providers/{namespace}/{childType}/{name}`.
 */
export function isChildOf(id: string, parentId: string, childType: string): boolean {
  const segments = resourceKey(id).split('/');
  const parent = resourceKey(parentId);
  const type = childType.toLowerCase();
  const last = segments.length - 1;
  if (segments[last - 1] !== type) return false;
  if (segments.slice(0, last - 1).join('/') === parent) return true;
  return segments[last - 3] === 'providers' && segments.slice(0, last - 3).join('/') === parent;
}

export class MemoryResources implements ResourceView {
  private readonly byKey = new Map<string, ArmResource>();

  constructor(resources: Iterable<ArmResource> = []) {
    for (const resource of resources) this.put(resource);
  }

  put(resource: ArmResource): void {
    this.byKey.set(resourceKey(resource.id), resource);
  }

  delete(id: string): boolean {
    return this.byKey.delete(resourceKey(id));
  }

  get(id: string): ArmResource | undefined {
    return this.byKey.get(resourceKey(id));
  }

  children(parentId: string, childType: string): ArmResource[] {
    return [...this.byKey.values()].filter((resource) => isChildOf(resource.id, parentId, childType));
  }

  ofType(type: string): ArmResource[] {
    const wanted = type.toLowerCase();
    return [...this.byKey.values()].filter((resource) => resource.type.toLowerCase() === wanted);
  }

  all(): ArmResource[] {
    return [...this.byKey.values()];
  }
}

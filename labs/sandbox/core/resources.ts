/**
 * ARM resources as the sandbox stores them, and the read-only view of them that the gateway,
 * the model and telemetry use.
 *
 * A resource is kept exactly as ARM returns it (`id`, `name`, `type`, `properties`, ...).
 * Lookups are case-insensitive, as ARM's are: keys are the lower-cased resource id.
 */

export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  kind?: string;
  sku?: Record<string, unknown>;
  identity?: Record<string, unknown>;
  tags?: Record<string, string>;
  etag?: string;
  systemData?: Record<string, unknown>;
  properties: Record<string, unknown>;
  /** Sandbox-only data never returned by GET (keys, secrets), keyed by name. */
  secrets?: Record<string, string>;
}

export interface ResourceView {
  /** The resource with this id (any casing), or undefined. */
  get(id: string): ArmResource | undefined;
  /** Direct children of `parentId` whose type's last segment equals `childType` (e.g. `apis`), any casing. */
  children(parentId: string, childType: string): ArmResource[];
  /** Every resource of a full type (e.g. `Microsoft.ApiManagement/service`), any casing. */
  ofType(type: string): ArmResource[];
}

export function resourceKey(id: string): string {
  return id.replace(/\/+$/, '').toLowerCase();
}

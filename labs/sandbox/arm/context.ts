/**
 * What every ARM handler gets: the request, the store, the clock, the caller and the sandbox's
 * own origin (for URLs such as `gatewayUrl`, `endpoint` and polling locations).
 */
import type { SandboxRequest } from '../core/exchange.ts';
import type { ResourceStore } from '../store.ts';

/** `validatePolicyXml` from the policy engine (labs/sandbox/policy/index.ts). */
export type PolicyValidator = (
  xml: string,
  scope: 'global' | 'api' | 'operation' | 'product',
) => { ok: true } | { ok: false; error: { code: 'ValidationError'; message: string; details: Array<{ code: string; target: string; message: string }> } };

export interface ArmContext {
  req: SandboxRequest;
  store: ResourceStore;
  now(): number;
  /** `https://127.0.0.1:{port}` */
  origin: string;
  apiVersion: string;
  provisioningDelayMs: number;
  /** Object id of the caller (from the bearer token). */
  principalId: string;
  log(message: string): void;
  /** Undefined while the policy engine is not present in this build. */
  validatePolicy: PolicyValidator | undefined;
}

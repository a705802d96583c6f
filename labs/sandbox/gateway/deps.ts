/**
 * What the gateway needs from its host (the Node sandbox server or the browser playground).
 */
import type { SandboxRequest, SandboxResponse } from '../core/exchange.ts';
import type { ResourceView } from '../core/resources.ts';
import type { TelemetrySink } from '../core/telemetry.ts';

export interface GatewayDeps {
  resources: ResourceView;
  telemetry: TelemetrySink;
  /** Sends the request to the backend URL (in process for the sandbox's own `/aoai/` model). */
  forward(url: string, req: SandboxRequest): Promise<SandboxResponse>;
  /** A token for `resource` issued to the managed identity `principalId`. */
  managedIdentityToken(principalId: string, resource: string): Promise<string>;
  now(): number;
  log(message: string): void;
}

export interface Gateway {
  /** Answers a call below a service's gateway URL (`req.path` is the part after `/apim/{serviceName}`). */
  handle(serviceName: string, req: SandboxRequest): Promise<SandboxResponse>;
}

/**
 * ARM's error shape, `{"error":{"code","message","target"?,"details"?}}`, and the errors the
 * sandbox's ARM surface answers with. Handlers throw `ArmError`; the ARM entry point turns it
 * into a JSON response.
 */
import { jsonResponse, type SandboxResponse } from '../core/exchange.ts';

export interface ErrorDetail {
  code: string;
  target?: string;
  message: string;
}

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toResponse(): SandboxResponse {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.details !== undefined) error.details = this.details;
    return jsonResponse(this.status, { error }, this.headers);
  }
}

const notFoundHelp = 'For more details please go to https://aka.ms/ARMResourceNotFoundFix';

/** 404 for a top-level resource, worded as ARM words it. */
export function resourceNotFound(type: string, name: string, resourceGroup: string): ArmError {
  return new ArmError(404, 'ResourceNotFound', `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. ${notFoundHelp}`);
}

/** 404 for an APIM child entity ("Api not found."). */
export function entityNotFound(entity: string): ArmError {
  return new ArmError(404, 'ResourceNotFound', `${entity} not found.`);
}

export function resourceGroupNotFound(resourceGroup: string): ArmError {
  return new ArmError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
}

export function invalidResourceName(name: string, type: string, rule: string): ArmError {
  return new ArmError(400, 'InvalidResourceName', `The resource name '${name}' is invalid for type '${type}'. ${rule}`);
}

export function badRequest(code: string, message: string, details?: ErrorDetail[]): ArmError {
  return new ArmError(400, code, message, details);
}

/** APIM's field validation error: `ValidationError` with one detail per field. */
export function validationError(details: ErrorDetail[]): ArmError {
  return new ArmError(400, 'ValidationError', 'One or more fields contain incorrect values:', details);
}

export function conflict(code: string, message: string): ArmError {
  return new ArmError(409, code, message);
}

export function invalidAuthenticationToken(message: string): ArmError {
  return new ArmError(401, 'InvalidAuthenticationToken', message, undefined, {
    'www-authenticate': `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
  });
}

/** Azure's answer for an unexpected failure; the cause is logged, never sent. */
export function internalError(): ArmError {
  return new ArmError(500, 'InternalServerError', 'The sandbox hit an unexpected error while processing the request. The sandbox log has the details.');
}

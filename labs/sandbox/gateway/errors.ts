/**
 * The responses the API Management gateway itself sends (not the backend's): missing or invalid
 * subscription key, no matching operation, token limit and quota exceeded, internal errors.
 * Bodies are written the way the gateway writes them, spaces inside the braces included.
 */
import type { SandboxResponse } from '../core/exchange.ts';

function gatewayJson(status: number, message: string, headers: Record<string, string> = {}, extra = ''): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: `{ "statusCode": ${status}, "message": ${JSON.stringify(message)}${extra} }`,
  };
}

function keyChallenge(realm: string, headerName: string): Record<string, string> {
  return { 'www-authenticate': `AzureApiManagementKey realm="${realm}",name="${headerName}",type="header"` };
}

export function missingSubscriptionKey(realm: string, headerName: string): SandboxResponse {
  return gatewayJson(401, 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.', keyChallenge(realm, headerName));
}

export function invalidSubscriptionKey(realm: string, headerName: string): SandboxResponse {
  return gatewayJson(401, 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.', keyChallenge(realm, headerName));
}

export function resourceNotFound(): SandboxResponse {
  return gatewayJson(404, 'Resource not found');
}

export function internalServerError(activityId: string): SandboxResponse {
  return gatewayJson(500, 'Internal server error', {}, `, "activityId": ${JSON.stringify(activityId)}`);
}

/** "41 seconds", "1 minute and 5 seconds", "2 hours, 3 minutes and 4 seconds" */
export function describeWait(totalSeconds: number): string {
  const parts: string[] = [];
  const units: Array<[number, string]> = [[86_400, 'day'], [3_600, 'hour'], [60, 'minute'], [1, 'second']];
  let rest = Math.max(0, Math.ceil(totalSeconds));
  for (const [size, name] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${name}${count === 1 ? '' : 's'}`);
  }
  if (parts.length === 0) return '0 seconds';
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

export function tokenLimitExceeded(retryAfterSeconds: number, retryHeader: string): SandboxResponse {
  return gatewayJson(429, `Token limit is exceeded. Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`, { [retryHeader.toLowerCase()]: String(retryAfterSeconds) });
}

export function tokenQuotaExceeded(retryAfterSeconds: number, retryHeader: string): SandboxResponse {
  return gatewayJson(403, `Token quota is exceeded. Try again in ${describeWait(retryAfterSeconds)}.`, { [retryHeader.toLowerCase()]: String(retryAfterSeconds) });
}

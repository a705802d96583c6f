/**
 * Identity for the sandbox: the managed-identity token endpoint (`/msi/token`, App Service flow)
 * that lets `new DefaultAzureCredential()` work unchanged, and the tokens themselves.
 *
 * Tokens are JWT-shaped and HMAC-SHA256 signed with a key kept in the state folder, so they stay
 * valid across restarts. Each carries an audience (`aud`), the caller's object id (`oid`), the
 * tenant (`tid`) and an expiry (`exp`). The identity header secret and the signing key live in
 * `secrets.json` with file mode 0600.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonResponse, type SandboxRequest, type SandboxResponse } from './core/exchange.ts';
import { stateFiles, TOKEN_LIFETIME_SECONDS } from './config.ts';
import { writeFileAtomic } from './store.ts';

export interface IdentitySecrets {
  /** The value clients send as `x-identity-header` (env `IDENTITY_HEADER`). */
  identityHeader: string;
  /** HMAC key for tokens (base64). */
  signingKey: string;
}

export interface VerifiedToken {
  principalId: string;
  audience: string;
  expiresOn: number;
}

/** Well-known audiences of the Azure data planes the sandbox emulates. */
export const audiences = {
  arm: 'https://management.azure.com',
  armClassic: 'https://management.core.windows.net',
  logs: 'https://api.loganalytics.io',
  logsAlias: 'https://api.loganalytics.azure.com',
  appInsights: 'https://api.applicationinsights.io',
  cognitiveServices: 'https://cognitiveservices.azure.com',
} as const;

/** Reads the secrets, making them on first use (file mode 0600). */
export function loadOrCreateSecrets(stateDir: string): IdentitySecrets {
  const path = join(stateDir, stateFiles.secrets);
  try {
    const secrets = JSON.parse(readFileSync(path, 'utf8')) as IdentitySecrets;
    if (typeof secrets.identityHeader === 'string' && typeof secrets.signingKey === 'string') {
      chmodSync(path, 0o600);
      return secrets;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  const secrets: IdentitySecrets = {
    identityHeader: randomBytes(24).toString('base64url'),
    signingKey: randomBytes(32).toString('base64'),
  };
  writeFileAtomic(path, JSON.stringify(secrets, null, 2), 0o600);
  return secrets;
}

/** `https://x/.default`, `https://X/` and `https://x` all name the same audience. */
export function normalizeAudience(resource: string): string {
  return resource.trim().replace(/\/\.default$/i, '').replace(/\/+$/, '').toLowerCase();
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export class TokenService {
  private readonly key: Buffer;

  constructor(
    secrets: IdentitySecrets,
    private readonly tenantId: string,
    private readonly now: () => number,
  ) {
    this.key = Buffer.from(secrets.signingKey, 'base64');
  }

  /** A signed token for `principalId` toward `resource`. */
  issue(principalId: string, resource: string, lifetimeSeconds = TOKEN_LIFETIME_SECONDS): { token: string; expiresOn: number } {
    const issuedAt = Math.floor(this.now() / 1000);
    const expiresOn = issuedAt + lifetimeSeconds;
    const header = base64UrlJson({ alg: 'HS256', typ: 'JWT' });
    const payload = base64UrlJson({
      aud: normalizeAudience(resource),
      iss: `https://sts.windows.net/${this.tenantId}/`,
      iat: issuedAt,
      nbf: issuedAt,
      exp: expiresOn,
      oid: principalId,
      sub: principalId,
      tid: this.tenantId,
      idtyp: 'app',
    });
    return { token: `${header}.${payload}.${this.sign(`${header}.${payload}`)}`, expiresOn };
  }

  /** The token's principal and audience if its signature is ours and it has not expired. */
  verify(token: string): VerifiedToken | undefined {
    const checked = this.check(token);
    return 'problem' in checked ? undefined : checked;
  }

  /** Like `verify`, but says why a token is refused (`invalid` or `expired`). */
  check(token: string): VerifiedToken | { problem: 'invalid' | 'expired'; expiresOn?: number } {
    const parts = token.split('.');
    if (parts.length !== 3) return { problem: 'invalid' };
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { problem: 'invalid' };
    let claims: { aud?: unknown; oid?: unknown; exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return { problem: 'invalid' };
    }
    if (typeof claims.aud !== 'string' || typeof claims.oid !== 'string' || typeof claims.exp !== 'number') return { problem: 'invalid' };
    if (claims.exp * 1000 <= this.now()) return { problem: 'expired', expiresOn: claims.exp };
    return { principalId: claims.oid, audience: claims.aud, expiresOn: claims.exp };
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}

/** The bearer token in an `Authorization` header, if any. */
export function bearerToken(headers: Record<string, string>): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

function tokenError(status: number, error: string, description: string): SandboxResponse {
  return jsonResponse(status, { error, error_description: description });
}

/**
 * `GET /msi/token?api-version=2019-08-01&resource=<audience>` with header `x-identity-header`:
 * the App Service managed-identity protocol `ManagedIdentityCredential` speaks.
 */
export function handleTokenRequest(
  req: SandboxRequest,
  deps: { secrets: IdentitySecrets; tokens: TokenService; learnerPrincipalId: string; knownAudiences: () => Set<string> },
): SandboxResponse {
  if (req.method !== 'GET') return tokenError(405, 'invalid_request', 'The token endpoint answers GET requests only.');
  const header = req.headers['x-identity-header'] ?? '';
  const expected = Buffer.from(deps.secrets.identityHeader);
  if (header.length !== expected.length || !timingSafeEqual(Buffer.from(header), expected)) {
    return tokenError(
      401,
      'invalid_request',
      'The x-identity-header value is missing or wrong. Set IDENTITY_HEADER from `npm run --silent sandbox:env`.',
    );
  }
  const resource = req.query.get('resource') ?? '';
  if (resource === '') return tokenError(400, 'invalid_request', 'The resource query parameter is required (the audience of the token).');
  const audience = normalizeAudience(resource);
  if (!deps.knownAudiences().has(audience)) {
    return tokenError(
      400,
      'invalid_resource',
      `AADSTS500011: The resource principal named ${resource} was not found. The sandbox issues tokens for: ${[...deps.knownAudiences()].join(', ')}.`,
    );
  }
  const { token, expiresOn } = deps.tokens.issue(deps.learnerPrincipalId, audience);
  return jsonResponse(200, {
    access_token: token,
    expires_on: String(expiresOn),
    expires_in: String(TOKEN_LIFETIME_SECONDS),
    resource,
    token_type: 'Bearer',
    client_id: deps.learnerPrincipalId,
  });
}

/**
 * What the IaC tests share: a fresh sandbox on a free port with its own state folder, a
 * credential that gets tokens from the sandbox's managed-identity endpoint (trusting its
 * certificate in process), and the SDK clients the tests drive it with.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { ResourceManagementClient } from '@azure/arm-resources';
import { startSandbox, type RunningSandbox } from '../../labs/sandbox/server.ts';

export interface IacSandbox {
  sandbox: RunningSandbox;
  ca: string;
  credential: TokenCredential;
  resources: ResourceManagementClient;
  deployments: DeploymentsClient;
  /** A raw ARM request with a valid token (for shapes the SDK hides). */
  arm(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: Record<string, string | string[] | undefined> }>;
  close(): Promise<void>;
}

function getJson(url: string, ca: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; json: any; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = text;
        }
        resolve({ status: res.statusCode ?? 0, json, headers: res.headers });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Tokens from the sandbox's `/msi/token`, the App Service managed-identity protocol. */
export function sandboxCredential(sandbox: RunningSandbox, ca: string): TokenCredential {
  return {
    async getToken(scopes: string | string[]): Promise<AccessToken> {
      const scope = (Array.isArray(scopes) ? scopes[0] : scopes).replace(/\/\.default$/, '');
      const url = `${sandbox.url}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(scope)}`;
      const answer = await getJson(url, ca, { 'x-identity-header': sandbox.identityHeader });
      if (answer.status !== 200) throw new Error(`token request failed: ${answer.status} ${JSON.stringify(answer.json)}`);
      return { token: answer.json.access_token, expiresOnTimestamp: Number(answer.json.expires_on) * 1000 };
    },
  };
}

export async function startIacSandbox(options: { provisioningDelayMs?: number } = {}): Promise<IacSandbox> {
  const stateDir = mkdtempSync(join(tmpdir(), 'iac-sandbox-'));
  const sandbox = await startSandbox({ port: 0, stateDir, quiet: true, ingestionDelayMs: 0, provisioningDelayMs: options.provisioningDelayMs ?? 0 });
  const ca = readFileSync(sandbox.certPath, 'utf8');
  const credential = sandboxCredential(sandbox, ca);
  const clientOptions = { endpoint: sandbox.url, tlsOptions: { ca } };
  const resources = new ResourceManagementClient(credential, sandbox.subscriptionId, clientOptions);
  const deployments = new DeploymentsClient(credential, sandbox.subscriptionId, { ...clientOptions, credentials: { scopes: [`${sandbox.url}/.default`] } });
  return {
    sandbox,
    ca,
    credential,
    resources,
    deployments,
    async arm(method, path, body) {
      const token = await credential.getToken(`${sandbox.url}/.default`);
      return getJson(`${sandbox.url}${path}`, ca, { authorization: `Bearer ${token!.token}` }, method, body === undefined ? undefined : JSON.stringify(body));
    },
    async close() {
      await sandbox.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The lesson's template as the SDK sends it. */
export function mainTemplate(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('../../labs/infra/main.json', import.meta.url), 'utf8')) as Record<string, unknown>;
}

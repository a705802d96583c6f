/**
 * Shared setup for the sandbox ARM tests: starts a sandbox on a free port with a temporary state
 * folder, points `new DefaultAzureCredential()` at its managed-identity endpoint (the same
 * IDENTITY_ENDPOINT / IDENTITY_HEADER a learner's program gets from `sandbox:env`), builds the
 * real SDK clients with the sandbox's certificate, and offers a raw HTTPS helper for checking
 * exact status codes, headers and bodies.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultAzureCredential } from '@azure/identity';
import { ApiManagementClient } from '@azure/arm-apimanagement';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { CognitiveServicesManagementClient } from '@azure/arm-cognitiveservices';
import { OperationalInsightsManagementClient } from '@azure/arm-operationalinsights';
import { ResourceManagementClient } from '@azure/arm-resources';
import { type RunningSandbox, type SandboxOptions, startSandbox } from '../../labs/sandbox/server.ts';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export interface TestSandbox {
  sandbox: RunningSandbox;
  ca: string;
  credential: DefaultAzureCredential;
  subscriptionId: string;
  resources: ResourceManagementClient;
  cognitive: CognitiveServicesManagementClient;
  apim: ApiManagementClient;
  workspaces: OperationalInsightsManagementClient;
  authorization: AuthorizationManagementClient;
  /** A bearer token for ARM from the managed-identity endpoint. */
  armToken(): Promise<string>;
  raw(method: string, path: string, options?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<RawResponse>;
  close(): Promise<void>;
}

export function tempStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'sandbox-arm-test-'));
}

export function httpsRaw(url: string, ca: string, method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const base = new URL(url);
    const req = request({ hostname: base.hostname, port: base.port, path, method, ca, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Starts a sandbox (or reopens `stateDir`) and connects the SDK clients to it. */
export async function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const stateDir = options.stateDir ?? tempStateDir();
  const sandbox = await startSandbox({ port: 0, quiet: true, ingestionDelayMs: 0, ...options, stateDir });
  const ca = readFileSync(sandbox.certPath, 'utf8');
  const env = sandbox.env();
  process.env.IDENTITY_ENDPOINT = env.IDENTITY_ENDPOINT;
  process.env.IDENTITY_HEADER = env.IDENTITY_HEADER;
  const credential = new DefaultAzureCredential({ tlsOptions: { ca } });
  const clientOptions = { endpoint: env.LAB_ARM_ENDPOINT, tlsOptions: { ca } };
  const subscriptionId = env.AZURE_SUBSCRIPTION_ID;
  const armToken = async (): Promise<string> => (await credential.getToken(`${sandbox.url}/.default`)).token;
  return {
    sandbox,
    ca,
    credential,
    subscriptionId,
    resources: new ResourceManagementClient(credential, subscriptionId, clientOptions),
    cognitive: new CognitiveServicesManagementClient(credential, subscriptionId, clientOptions),
    apim: new ApiManagementClient(credential, subscriptionId, clientOptions),
    workspaces: new OperationalInsightsManagementClient(credential, subscriptionId, clientOptions),
    authorization: new AuthorizationManagementClient(credential, subscriptionId, clientOptions),
    armToken,
    raw: async (method, path, rawOptions = {}) => {
      const token = rawOptions.token === undefined ? await armToken() : rawOptions.token;
      const headers: Record<string, string> = { ...(token !== null ? { authorization: `Bearer ${token}` } : {}), ...rawOptions.headers };
      const body = rawOptions.body === undefined ? undefined : typeof rawOptions.body === 'string' ? rawOptions.body : JSON.stringify(rawOptions.body);
      return httpsRaw(sandbox.url, ca, method, path, body, headers);
    },
    close: async () => {
      await sandbox.close();
      if (options.stateDir === undefined) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** `{ error: { code, message } }` of a failed SDK call, for assertions. */
export async function armErrorOf(call: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as { statusCode?: number; code?: string; message: string };
    return { statusCode: e.statusCode, code: e.code, message: e.message };
  }
  throw new Error('The call was expected to fail but succeeded.');
}

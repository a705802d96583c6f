/**
 * Shared pieces of the Logs query API tests: a real `LogsQueryClient` pointed at a sandbox the way
 * a learner's program points it (endpoint = LAB_LOGS_ENDPOINT, DefaultAzureCredential through the
 * sandbox's managed-identity endpoint), chat calls through the gateway with a chosen user, and a
 * raw HTTPS helper for the paths the client does not cover.
 */
import { rmSync } from 'node:fs';
import { LogsQueryClient, LogsQueryResultStatus } from '@azure/monitor-query-logs';
import type { TokenCredential } from '@azure/core-auth';
import type { AzureOpenAI } from 'openai';
import { httpsRaw, type RawResponse, type TestSandbox } from './arm-harness.ts';
import type { GatewayLab } from './gateway-harness.ts';

export function logsClient(t: TestSandbox): LogsQueryClient {
  return new LogsQueryClient(t.credential, { endpoint: t.sandbox.env().LAB_LOGS_ENDPOINT, tlsOptions: { ca: t.ca } } as ConstructorParameters<typeof LogsQueryClient>[1]);
}

export async function logsToken(credential: TokenCredential): Promise<string> {
  const token = await credential.getToken('https://api.loganalytics.io/.default');
  if (!token) throw new Error('no token for api.loganalytics.io');
  return token.token;
}

/** POSTs a Logs query body to a path below the sandbox origin, with a Logs bearer token unless `token` is null. */
export async function rawQuery(t: TestSandbox, path: string, body: unknown, token?: string | null, method = 'POST'): Promise<RawResponse> {
  const bearer = token === undefined ? await logsToken(t.credential) : token;
  return httpsRaw(t.sandbox.url, t.ca, method, path, body === undefined ? undefined : JSON.stringify(body), bearer === null ? {} : { authorization: `Bearer ${bearer}` });
}

/** One chat completion through the gateway as `user`; returns its usage.total_tokens. */
export async function chatAs(client: AzureOpenAI, user: string, prompt: string): Promise<number> {
  const answer = await client.chat.completions.create(
    { model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], max_tokens: 20 },
    { headers: { 'x-user-id': user } },
  );
  return answer.usage!.total_tokens;
}

/** Total Tokens rows and their sum in the workspace, and its request rows. */
export async function workspaceTotals(t: TestSandbox, customerId: string): Promise<{ rows: number; tokens: number; requests: number }> {
  const metrics = await logsClient(t).queryWorkspace(customerId, 'AppMetrics | where Name == "Total Tokens" | summarize rows = count(), tokens = sum(Sum)', { duration: 'PT1H' });
  const requests = await logsClient(t).queryWorkspace(customerId, 'AppRequests | count', { duration: 'PT1H' });
  if (metrics.status !== LogsQueryResultStatus.Success || requests.status !== LogsQueryResultStatus.Success) throw new Error('query failed');
  const [rows, tokens] = metrics.tables[0].rows[0] as [number, number];
  return { rows, tokens, requests: requests.tables[0].rows[0][0] as number };
}

/**
 * Stops the lab's sandbox server but keeps its state folder (the lab's own close() deletes it),
 * after fetching a Logs token: it stays valid across a restart, since the signing key is in the
 * state folder, and the identity library cannot reach a restarted endpoint for a new one.
 */
export async function stopKeepingState(lab: GatewayLab): Promise<{ stateDir: string; port: number; cleanup(): Promise<void> }> {
  const stateDir = lab.t.sandbox.stateDir;
  await lab.t.credential.getToken('https://api.loganalytics.io/.default');
  await lab.t.sandbox.close();
  await (lab.dispatcher as { close(): Promise<void> }).close();
  return { stateDir, port: lab.t.sandbox.port, cleanup: async () => rmSync(stateDir, { recursive: true, force: true }) };
}

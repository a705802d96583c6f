/**
 * Every acknowledged telemetry row survives a `kill -9` of the sandbox process right after a burst
 * of gateway calls. A torn last journal line (a write cut short) is dropped on the next start and
 * the rest is kept. The killed sandbox runs in a child process (tests/sandbox/logs-child.ts).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { LogsQueryResultStatus } from '@azure/monitor-query-logs';
import { AzureOpenAI } from 'openai';
import { journalPath } from '../../labs/sandbox/telemetry/index.ts';
import { startTestSandbox, type TestSandbox } from './arm-harness.ts';
import { API_VERSION, startGatewayLab } from './gateway-harness.ts';
import { chatAs, logsClient } from './logs-harness.ts';

const open: Array<{ close(): Promise<void> }> = [];
let child: ChildProcess | undefined;
after(async () => {
  child?.kill('SIGKILL');
  for (const item of open.reverse()) await item.close().catch(() => undefined);
});

async function totals(t: TestSandbox, customerId: string): Promise<{ rows: number; tokens: number; requests: number }> {
  const metrics = await logsClient(t).queryWorkspace(customerId, 'AppMetrics | where Name == "Total Tokens" | summarize rows = count(), tokens = sum(Sum)', { duration: 'PT1H' });
  const requests = await logsClient(t).queryWorkspace(customerId, 'AppRequests | count', { duration: 'PT1H' });
  if (metrics.status !== LogsQueryResultStatus.Success || requests.status !== LogsQueryResultStatus.Success) throw new Error('query failed');
  const [rows, tokens] = metrics.tables[0].rows[0] as [number, number];
  return { rows, tokens, requests: requests.tables[0].rows[0][0] as number };
}

// The identity library keeps the managed-identity endpoint it first saw for the whole process:
// the reopened sandbox listens on the port of the first one.
test('kill -9 right after a burst of calls loses no acknowledged row; a torn last line is dropped', async () => {
  const lab = await startGatewayLab();
  const stateDir = lab.t.sandbox.stateDir;
  // A Logs token issued now stays valid across the restart (the signing key is in the state folder).
  await lab.t.credential.getToken('https://api.loganalytics.io/.default');
  const { subscriptionKey, customerId } = lab;
  const port = lab.t.sandbox.port;
  // Stop only the server: the lab's own close() would delete the state folder.
  await lab.t.sandbox.close();
  await (lab.dispatcher as { close(): Promise<void> }).close();
  open.push({ close: async () => rmSync(stateDir, { recursive: true, force: true }) });

  child = spawn(process.execPath, ['--import', 'tsx', new URL('./logs-child.ts', import.meta.url).pathname, stateDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child!.stdout! }).once('line', resolve);
    child!.once('exit', (code) => reject(new Error(`the sandbox process exited (${code}) before it was ready`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  const ca = readFileSync(`${stateDir}/cert.pem`, 'utf8');
  const { Agent } = await import('undici');
  const dispatcher = new Agent({ connect: { ca }, connections: 16 });
  const client = new AzureOpenAI({ endpoint: `${url}/apim/apim-gateway-test`, apiKey: subscriptionKey, apiVersion: API_VERSION, maxRetries: 0, fetchOptions: { dispatcher } as never });
  const calls = 60;
  const usage = await Promise.all(Array.from({ length: calls }, (_, i) => chatAs(client, `user-${i % 4}`, `Call number ${i}.`)));
  child.kill('SIGKILL');
  await new Promise((resolve) => child!.once('exit', resolve));
  child = undefined;
  await dispatcher.close();

  // A write cut short by a crash leaves half a line at the end of the journal.
  const journal = journalPath(stateDir);
  appendFileSync(journal, '{"k":"m","t":17000000');

  const reopened = await startTestSandbox({ stateDir, port });
  open.push(reopened);
  const expected = usage.reduce((sum, n) => sum + n, 0);
  assert.deepEqual(await totals(reopened, customerId), { rows: calls, tokens: expected, requests: calls });
  const text = readFileSync(journal, 'utf8');
  assert.ok(text.endsWith('\n'), 'the torn line is cut from the journal');
  assert.equal(text.split('\n').filter(Boolean).length, calls * 4);
});

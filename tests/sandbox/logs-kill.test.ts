/**
 * Every acknowledged telemetry row survives a `kill -9` of the sandbox process right after a burst
 * of gateway calls. A torn last journal line (a write cut short) is dropped on the next start and
 * the rest is kept. The killed sandbox runs in a child process (tests/sandbox/logs-child.ts).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { AzureOpenAI } from 'openai';
import { journalPath } from '../../labs/sandbox/telemetry/index.ts';
import { startTestSandbox } from './arm-harness.ts';
import { API_VERSION, startGatewayLab } from './gateway-harness.ts';
import { chatAs, stopKeepingState, workspaceTotals } from './logs-harness.ts';

const open: Array<{ close(): Promise<void> }> = [];
let child: ChildProcess | undefined;
after(async () => {
  child?.kill('SIGKILL');
  for (const item of open.reverse()) await item.close().catch(() => undefined);
});

// The identity library keeps the managed-identity endpoint it first saw for the whole process:
// the reopened sandbox listens on the port of the first one (stopKeepingState gives it).
test('kill -9 right after a burst of calls loses no acknowledged row; a torn last line is dropped', async () => {
  const lab = await startGatewayLab();
  const { subscriptionKey, customerId } = lab;
  const { stateDir, port, cleanup } = await stopKeepingState(lab);
  open.push({ close: cleanup });

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
  assert.deepEqual(await workspaceTotals(reopened, customerId), { rows: calls, tokens: expected, requests: calls });
  const text = readFileSync(journal, 'utf8');
  assert.ok(text.endsWith('\n'), 'the torn line is cut from the journal');
  assert.equal(text.split('\n').filter(Boolean).length, calls * 4);
});

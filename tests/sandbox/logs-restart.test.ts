/**
 * Telemetry rows survive a clean restart of the sandbox: the journal is replayed on start.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, test } from 'node:test';
import { LogsQueryResultStatus } from '@azure/monitor-query-logs';
import { startTestSandbox, type TestSandbox } from './arm-harness.ts';
import { startGatewayLab } from './gateway-harness.ts';
import { chatAs, logsClient } from './logs-harness.ts';

const open: Array<{ close(): Promise<void> }> = [];
after(async () => {
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
test('telemetry survives a clean restart of the sandbox', async () => {
  const lab = await startGatewayLab();
  let tokens = 0;
  for (const user of ['alice', 'bob']) tokens += await chatAs(lab.client(), user, `Hello from ${user}.`);
  const stateDir = lab.t.sandbox.stateDir;
  // A Logs token issued now stays valid across the restart (the signing key is in the state folder).
  await lab.t.credential.getToken('https://api.loganalytics.io/.default');
  // Stop only the server: the lab's own close() would delete the state folder.
  await lab.t.sandbox.close();
  await (lab.dispatcher as { close(): Promise<void> }).close();
  open.push({ close: async () => rmSync(stateDir, { recursive: true, force: true }) });

  const reopened = await startTestSandbox({ stateDir, port: lab.t.sandbox.port });
  open.push(reopened);
  assert.deepEqual(await totals(reopened, lab.customerId), { rows: 2, tokens, requests: 2 });
});

/**
 * Telemetry rows survive a clean restart of the sandbox: the journal is replayed on start.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startTestSandbox } from './arm-harness.ts';
import { startGatewayLab } from './gateway-harness.ts';
import { chatAs, stopKeepingState, workspaceTotals } from './logs-harness.ts';

const open: Array<{ close(): Promise<void> }> = [];
after(async () => {
  for (const item of open.reverse()) await item.close().catch(() => undefined);
});

// The identity library keeps the managed-identity endpoint it first saw for the whole process:
// the reopened sandbox listens on the port of the first one (stopKeepingState gives it).
test('telemetry survives a clean restart of the sandbox', async () => {
  const lab = await startGatewayLab();
  let tokens = 0;
  for (const user of ['alice', 'bob']) tokens += await chatAs(lab.client(), user, `Hello from ${user}.`);
  const { stateDir, port, cleanup } = await stopKeepingState(lab);
  open.push({ close: cleanup });

  const reopened = await startTestSandbox({ stateDir, port });
  open.push(reopened);
  assert.deepEqual(await workspaceTotals(reopened, lab.customerId), { rows: 2, tokens, requests: 2 });
});

/**
 * Runs the KQL and memory benchmark in a process of its own next to a started sandbox, so the
 * resident memory reported is the sandbox's with the million rows loaded, not the load generator's.
 * Prints the benchmark's lines, then one line of JSON.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../labs/sandbox/server.ts';
import { benchKql } from './kql.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'bench-sandbox-'));
const sandbox = await startSandbox({ port: 0, stateDir, quiet: true, ingestionDelayMs: 0 });
try {
  console.log(JSON.stringify(await benchKql((message) => console.log(`• ${message}`))));
} finally {
  await sandbox.close();
  rmSync(stateDir, { recursive: true, force: true });
}

/**
 * `npm run labs:capture`: runs every lab against a fresh sandbox (its own port and state folder,
 * no ingestion delay) and writes what each printed to `labs/transcripts/<step>.txt`, the index the
 * lesson pages import, and the chart series of `lab:metrics` to `labs/transcripts/metrics-series.json`.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pc from 'picocolors';
import { startSandbox } from '../sandbox/server.ts';
import { labsDir } from './paths.ts';
import { runLabProcess, sandboxLabEnv } from './run-lab.ts';
import { LAB_STEPS } from './steps.ts';
import { normaliseTranscript, TRANSCRIPTS_DIR, writeTranscriptIndex } from './transcripts.ts';

const workDir = mkdtempSync(join(tmpdir(), 'lab-capture-'));
const sandbox = await startSandbox({ port: 0, stateDir: join(workDir, 'sandbox'), ingestionDelayMs: 0, quiet: true });
const labState = join(workDir, 'state');
const env = sandboxLabEnv(sandbox.env(), labState);
const facts = { subscriptionId: sandbox.subscriptionId, prefix: env.LAB_PREFIX as string, stateDir: labState };

async function capture(step: string, args: string[] = []): Promise<void> {
  const run = await runLabProcess(step, args, env);
  if (run.code !== 0) throw new Error(`lab:${step} failed (exit ${run.code}):\n${run.output}`);
  writeFileSync(join(TRANSCRIPTS_DIR, `${step}.txt`), normaliseTranscript(run.output, facts));
  console.log(`${pc.green('✔')} lab:${step} ${pc.dim(`(${(run.ms / 1000).toFixed(1)} s)`)}`);
}

try {
  console.log(`Capturing the labs against a fresh sandbox at ${sandbox.url}`);
  for (const step of LAB_STEPS) {
    await capture(step);
    if (step === 'metrics') copyFileSync(join(labState, 'metrics-series.json'), join(TRANSCRIPTS_DIR, 'metrics-series.json'));
  }
  // Infrastructure as code builds the same resources in one deployment: captured on the emptied sandbox.
  if (existsSync(join(labsDir, 'iac.ts'))) {
    await capture('iac');
    const cleanup = await runLabProcess('cleanup', [], env);
    if (cleanup.code !== 0) throw new Error(`lab:cleanup after lab:iac failed:\n${cleanup.output}`);
  }
  const steps = writeTranscriptIndex();
  console.log(`Wrote ${steps.length} transcripts and metrics-series.json to ${TRANSCRIPTS_DIR}.`);
} catch (error) {
  console.error(pc.red(`✖ ${(error as Error).message}`));
  process.exitCode = 1;
} finally {
  await sandbox.close();
  rmSync(workDir, { recursive: true, force: true });
}

/**
 * `npm run bench`: measures the sandbox against its performance targets and ends with one line of
 * JSON. Targets: gateway throughput at least 0.6 of the model's alone and at most 1 ms added
 * median latency (model latency 0); KQL summarize over 1,000,000 metric rows under 1 s; resident
 * memory under 300 MB with those rows loaded while the sandbox runs.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchEngine } from './engine.ts';
import { benchGateway } from './gateway.ts';

const log = (message: string) => console.log(`• ${message}`);

console.log('Gateway + policy + token metrics vs the model alone (one sandbox, model latency 0)');
const gateway = await benchGateway(log);
const engine = await benchEngine(log);
console.log('\nKQL engine and telemetry store (a fresh process with a started sandbox)');
const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./kql-in-sandbox.ts', import.meta.url))], { encoding: 'utf8' });
const lines = child.stdout.trim().split('\n');
for (const line of lines.slice(0, -1)) console.log(line);
if (child.status !== 0) {
  console.error(child.stderr);
  throw new Error(`The KQL benchmark failed (exit ${child.status}).`);
}
const kql = JSON.parse(lines[lines.length - 1]) as { kqlSummarize1MMs: number; sandboxRssMb: number };

const targets: Array<[string, boolean]> = [
  [`gateway throughput ratio ${gateway.gatewayThroughputRatio} (target ≥ 0.6)`, gateway.gatewayThroughputRatio >= 0.6],
  [`gateway added p50 ${gateway.gatewayAddedP50Ms} ms (target ≤ 1 ms)`, gateway.gatewayAddedP50Ms <= 1],
  [`KQL summarize over 1M rows ${kql.kqlSummarize1MMs} ms (target < 1000 ms)`, kql.kqlSummarize1MMs < 1000],
  [`resident memory ${kql.sandboxRssMb} MB (target < 300 MB)`, kql.sandboxRssMb < 300],
];
console.log('\nTargets');
for (const [line, met] of targets) console.log(`  ${met ? '✔' : '✘'} ${line}`);
console.log(JSON.stringify({ ...gateway, ...engine, ...kql }));

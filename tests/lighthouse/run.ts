/**
 * `npm run lighthouse`: audits the production build's core lesson (or the paths given as
 * arguments) with Lighthouse 12 in desktop mode, driving Debian's Chromium, with the build served
 * on 127.0.0.1 the way a production host serves it (gzip, long-lived cache for hashed assets).
 * Targets: performance at least 95; accessibility, best practices and SEO 100.
 *
 * Performance moves from run to run with whatever else the machine is doing, so each page is
 * audited several times (`--runs`, default 5) and judged on its median run, as Lighthouse's own
 * guidance on variability recommends; every run's score is printed. The median run's report is
 * saved in test-results/lighthouse/; the exit code is non-zero when a page misses a target.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, serveSiteBuild, type ServedSite } from '../browser/harness.ts';

const TARGETS: Record<string, number> = { performance: 95, accessibility: 100, 'best-practices': 100, seo: 100 };
/** One audit takes 15 to 60 seconds; past this, Lighthouse is stuck and is stopped (SIGINT closes its browser). */
const AUDIT_TIMEOUT_MS = 300_000;
const reportDir = join(process.cwd(), 'test-results', 'lighthouse');
const lighthouseCli = createRequire(import.meta.url).resolve('lighthouse/cli/index.js');

interface LighthouseReport {
  categories: Record<string, { score: number | null }>;
  audits: Record<string, { score: number | null; title: string; scoreDisplayMode: string; displayValue?: string }>;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 15) {
  console.error(`--runs must be a whole number from 1 to 15 (got "${values.runs}"). Example: npm run lighthouse -- --runs=5 /token-monitoring`);
  process.exit(2);
}
const paths = positionals.length > 0 ? positionals : ['/token-monitoring'];

/** Runs one Lighthouse audit in its own process (the site is served from this one, so it must not block). */
async function audit(site: ServedSite, path: string, reportFile: string): Promise<LighthouseReport | string> {
  const profile = mkdtempSync(join(tmpdir(), 'lighthouse-chromium-'));
  const lighthouse = spawn(
    process.execPath,
    [
      lighthouseCli,
      `${site.origin}${path}`,
      '--preset=desktop',
      `--only-categories=${Object.keys(TARGETS).join(',')}`,
      '--output=json',
      `--output-path=${reportFile}`,
      '--quiet',
      `--chrome-flags=${[...CHROMIUM_FLAGS.filter((flag) => flag !== '--headless'), '--headless=new', `--user-data-dir=${profile}`].join(' ')}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CHROME_PATH: CHROMIUM_PATH } },
  );
  let timedOut = false;
  const watchdog = setTimeout(() => {
    timedOut = true;
    lighthouse.kill('SIGINT');
  }, AUDIT_TIMEOUT_MS);
  const [exitCode] = (await once(lighthouse, 'exit')) as [number | null];
  clearTimeout(watchdog);
  rmSync(profile, { recursive: true, force: true });
  if (timedOut) return `it did not finish within ${AUDIT_TIMEOUT_MS / 1000} s and was stopped`;
  if (exitCode !== 0) return `Lighthouse exited with ${exitCode}`;
  return JSON.parse(readFileSync(reportFile, 'utf8')) as LighthouseReport;
}

function score(report: LighthouseReport, category: string): number {
  return Math.round((report.categories[category]?.score ?? 0) * 100);
}

mkdirSync(reportDir, { recursive: true });
const site = await serveSiteBuild(undefined, { production: true });
let failed = false;
try {
  for (const path of paths) {
    const name = path === '/' ? 'welcome' : path.replace(/^\//, '').replaceAll('/', '-');
    const reports: Array<{ report: LighthouseReport; file: string }> = [];
    for (let run = 1; run <= runs; run += 1) {
      const file = join(reportDir, `${name}.run-${run}.json`);
      const result = await audit(site, path, file);
      if (typeof result === 'string') {
        console.error(`Lighthouse could not audit ${path} (run ${run} of ${runs}): ${result}. A busy machine slows every audit; try again when it is idle.`);
        failed = true;
        continue;
      }
      reports.push({ report: result, file });
    }
    if (reports.length === 0) continue;
    const byPerformance = [...reports].sort((a, b) => score(a.report, 'performance') - score(b.report, 'performance'));
    const median = byPerformance[Math.floor((byPerformance.length - 1) / 2)]!;
    renameSync(median.file, join(reportDir, `${name}.json`));
    for (const { file } of reports) rmSync(file, { force: true });

    const { report } = median;
    console.log(`\n${path}  (median of ${reports.length} run${reports.length === 1 ? '' : 's'}; performance per run: ${reports.map(({ report: r }) => score(r, 'performance')).join(', ')})`);
    for (const [category, target] of Object.entries(TARGETS)) {
      const value = score(report, category);
      const ok = value >= target;
      failed ||= !ok;
      console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${category.padEnd(15)} ${String(value).padStart(3)}  (target ${target})`);
    }
    const metrics = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'];
    console.log(`       ${metrics.map((id) => `${report.audits[id]?.title ?? id} ${report.audits[id]?.displayValue ?? '?'}`).join(' · ')}`);
    const failing = Object.values(report.audits).filter((entry) => entry.score !== null && entry.score < 1 && entry.scoreDisplayMode === 'binary');
    for (const entry of failing) console.log(`       failing audit: ${entry.title}`);
  }
} finally {
  await site.close();
}
console.log(`\nReports: ${reportDir}`);
process.exit(failed ? 1 : 0);

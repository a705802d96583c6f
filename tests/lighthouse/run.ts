/**
 * `npm run lighthouse`: audits the production build's core lesson (or the paths given as
 * arguments) with Lighthouse 12 in desktop mode, driving Debian's Chromium, with the build served
 * on 127.0.0.1 the way a production host serves it (gzip, long-lived cache for hashed assets).
 * Targets: performance at least 95; accessibility, best practices and SEO 100. Reports are saved
 * in test-results/lighthouse/; the exit code is non-zero when a page misses a target.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, serveSiteBuild } from '../browser/harness.ts';

const TARGETS: Record<string, number> = { performance: 95, accessibility: 100, 'best-practices': 100, seo: 100 };
/** One audit takes 15 to 60 seconds; past this, Lighthouse is stuck and is stopped (SIGINT closes its browser). */
const AUDIT_TIMEOUT_MS = 300_000;
const paths = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['/token-monitoring'];
const reportDir = join(process.cwd(), 'test-results', 'lighthouse');
const lighthouseCli = createRequire(import.meta.url).resolve('lighthouse/cli/index.js');

interface LighthouseReport {
  categories: Record<string, { score: number | null }>;
  audits: Record<string, { score: number | null; title: string; scoreDisplayMode: string }>;
}

mkdirSync(reportDir, { recursive: true });
const site = await serveSiteBuild(undefined, { production: true });
let failed = false;
try {
  for (const path of paths) {
    const profile = mkdtempSync(join(tmpdir(), 'lighthouse-chromium-'));
    const reportFile = join(reportDir, `${path === '/' ? 'welcome' : path.replace(/^\//, '').replaceAll('/', '-')}.json`);
    const run = spawnSync(
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
      { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CHROME_PATH: CHROMIUM_PATH }, timeout: AUDIT_TIMEOUT_MS, killSignal: 'SIGINT' },
    );
    rmSync(profile, { recursive: true, force: true });
    if (run.error || run.status !== 0) {
      const reason = run.error ? `it did not finish within ${AUDIT_TIMEOUT_MS / 1000} s and was stopped` : `exit ${run.status}`;
      console.error(`Lighthouse could not audit ${path}: ${reason}. A busy machine slows every audit; try again when it is idle.`);
      failed = true;
      continue;
    }
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as LighthouseReport;
    console.log(`\n${path}`);
    for (const [category, target] of Object.entries(TARGETS)) {
      const score = Math.round((report.categories[category]?.score ?? 0) * 100);
      const ok = score >= target;
      failed ||= !ok;
      console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${category.padEnd(15)} ${String(score).padStart(3)}  (target ${target})`);
    }
    const failing = Object.values(report.audits).filter((audit) => audit.score !== null && audit.score < 1 && audit.scoreDisplayMode === 'binary');
    for (const audit of failing) console.log(`       failing audit: ${audit.title}`);
  }
} finally {
  await site.close();
}
console.log(`\nReports: ${reportDir}`);
process.exit(failed ? 1 : 0);

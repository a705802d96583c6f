/**
 * The expected outputs the lessons show come from real lab runs: a transcript for every lab step
 * a page names, and the metrics series the core lesson's chart draws.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transcripts } from '../../labs/transcripts/index.ts';
import { toChartData } from '../../src/components/TokenChart/series.ts';
import { REPO_ROOT, coursePages, corePage, labStepsIn } from './docs.ts';

test('every lab step a page names has a captured transcript', () => {
  const steps = [...new Set(coursePages().flatMap((page) => labStepsIn(page).map((found) => found.step)))];
  const missing = steps.filter((step) => !transcripts[step]?.trim());
  assert.deepEqual(missing, [], 'Capture these with `npm run labs:capture`: the lesson shows no expected output for them.');
});

test('the token chart on the core lesson has a captured metrics series to draw', () => {
  assert.match(corePage().text, /<TokenChart\b/);
  const file = join(REPO_ROOT, 'labs/transcripts/metrics-series.json');
  assert.ok(existsSync(file), 'labs/transcripts/metrics-series.json is missing: `npm run labs:capture` saves it from a real lab:metrics run.');
  const data = toChartData(JSON.parse(readFileSync(file, 'utf8')));
  assert.ok(data, 'labs/transcripts/metrics-series.json holds no time series the chart can draw.');
  assert.ok(data.rows.length > 0 && data.keys.length > 0);
});

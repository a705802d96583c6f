/**
 * The core lesson does not pay for the playground until the reader reaches it: before scrolling,
 * no script of the playground (editor, gateway, model, tokenizer, KQL engine, chart) is fetched;
 * scrolling to it loads them. Prints what the page downloads and how long a Send takes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { PLAYGROUND_MODEL_LATENCY } from '../../src/components/PolicyPlayground/playgroundSandbox.ts';
import { SITE_BUILD_DIR, launchSiteBrowser, recordProblems, serveSiteBuild, type ServedSite, type SiteBrowser } from './harness.ts';
import { openPlayground, sendAndWait } from './playground-harness.ts';

/** A string only the playground's own code contains (its in-page managed identity). */
const PLAYGROUND_MARKER = 'playground-mi.';

interface Script {
  url: string;
  raw: number;
  gzip: number;
  playground: boolean;
  /** Fetched before the reader scrolled to the playground. */
  early: boolean;
}

/** Records every script the page requests (once per path), sized from the build on disk. */
function recordScripts(page: Page, phase: { early: boolean }): Map<string, Script> {
  const scripts = new Map<string, Script>();
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (!path.endsWith('.js') || scripts.has(path)) return;
    const body = readFileSync(join(SITE_BUILD_DIR, path));
    scripts.set(path, { url: path, raw: body.length, gzip: gzipSync(body, { level: 9 }).length, playground: body.includes(PLAYGROUND_MARKER), early: phase.early });
  });
  return scripts;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const total = (scripts: Script[], key: 'raw' | 'gzip') => scripts.reduce((sum, script) => sum + script[key], 0);

describe('the playground loads only when the reader reaches it', { timeout: 180_000 }, () => {
  let site: ServedSite;
  let browser: SiteBrowser;

  before(async () => {
    site = await serveSiteBuild();
    browser = await launchSiteBrowser();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test('the core lesson fetches no playground code before the reader scrolls to it', async (t) => {
    const page = await browser.context.newPage();
    const seen = recordProblems(page, site.origin);
    const phase = { early: true };
    const scripts = recordScripts(page, phase);
    await page.goto(`${site.origin}/token-monitoring`, { waitUntil: 'networkidle' });
    await page.getByTestId('playground-placeholder').first().waitFor({ state: 'attached' });
    await page.waitForTimeout(500);
    const beforeScroll = [...scripts.values()];
    assert.ok(beforeScroll.length > 0);
    assert.deepEqual(beforeScroll.filter((script) => script.playground).map((script) => script.url), []);
    assert.equal(await page.getByTestId('policy-playground').count(), 0);

    phase.early = false;
    await openPlayground(page, page.url());
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    const loaded = [...scripts.values()].filter((script) => !script.early);
    assert.ok(loaded.some((script) => script.playground), 'scrolling to the playground fetched its code');

    t.diagnostic(`lesson page scripts before interaction: ${beforeScroll.length} files, ${kb(total(beforeScroll, 'raw'))} raw, ${kb(total(beforeScroll, 'gzip'))} gzip`);
    // Route chunks (named by an 8-digit hash) are Docusaurus prefetching pages whose links scrolled into view.
    const chunks = loaded.filter((script) => !/\/[0-9a-f]{8}\.[0-9a-f]+\.js$/.test(script.url));
    t.diagnostic(`playground chunks fetched when it opens: ${chunks.length} files, ${kb(total(chunks, 'raw'))} raw, ${kb(total(chunks, 'gzip'))} gzip`);
    for (const script of chunks) t.diagnostic(`  ${script.url}: ${kb(script.raw)} raw, ${kb(script.gzip)} gzip`);

    // Warm page: the second and later Sends are what a reader feels.
    await page.getByTestId('playground-max-tokens').fill('1');
    assert.equal(await sendAndWait(page), 200);
    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      assert.equal(await sendAndWait(page), 200);
      timings.push(Number(await page.getByTestId('playground-response').getAttribute('data-total-ms')));
    }
    timings.sort((a, b) => a - b);
    t.diagnostic(
      `Send to complete response, measured in the page (max_tokens 1, warm page, including the model's simulated ${PLAYGROUND_MODEL_LATENCY.firstTokenMs} ms to first token): ` +
        `median ${timings[2]} ms, min ${timings[0]} ms`,
    );
    assert.deepEqual(seen.external, []);
    assert.deepEqual(seen.errors, []);
    await page.close();
  });
});

/**
 * The core lesson does not pay for the playground until the reader reaches it: before scrolling,
 * no script of the playground (editor, gateway, model, tokenizer, KQL engine, chart) is fetched;
 * scrolling to it loads them. Prints what the page downloads and how long a Send takes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import type { Page, Response } from 'playwright-core';
import { launchBrowser, openPlayground, sendAndWait, serveBuild, watchPage, type Browser, type StaticSite } from './playground-harness.ts';

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

/** Records every script the page fetches (once per URL), with its size and whether it is playground code. */
function recordScripts(page: Page, phase: { early: boolean }): Map<string, Script> {
  const scripts = new Map<string, Script>();
  page.on('response', (response: Response) => {
    const url = response.url();
    if (!url.endsWith('.js') || scripts.has(url)) return;
    const early = phase.early;
    void response.body().then(
      (body) => {
        if (body.length === 0 || scripts.has(url)) return;
        scripts.set(url, { url, raw: body.length, gzip: gzipSync(body, { level: 9 }).length, playground: body.includes(PLAYGROUND_MARKER), early });
      },
      () => undefined,
    );
  });
  return scripts;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const total = (scripts: Script[], key: 'raw' | 'gzip') => scripts.reduce((sum, script) => sum + script[key], 0);

describe('the playground loads only when the reader reaches it', { timeout: 180_000 }, () => {
  let site: StaticSite;
  let browser: Browser;

  before(async () => {
    site = await serveBuild();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test('the core lesson fetches no playground code before the reader scrolls to it', async (t) => {
    const page = await browser.context.newPage();
    const seen = watchPage(page, site.origin);
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
    t.diagnostic(`fetched when the playground opens: ${loaded.length} files, ${kb(total(loaded, 'raw'))} raw, ${kb(total(loaded, 'gzip'))} gzip`);
    for (const script of loaded) t.diagnostic(`  ${script.url.replace(site.origin, '')}: ${kb(script.raw)} raw, ${kb(script.gzip)} gzip`);

    // Warm page: the second and later Sends are what a reader feels.
    await page.getByTestId('playground-max-tokens').fill('1');
    assert.equal(await sendAndWait(page), 200);
    const timings: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      assert.equal(await sendAndWait(page), 200);
      timings.push(Date.now() - started);
    }
    timings.sort((a, b) => a - b);
    t.diagnostic(`Send to complete response (max_tokens 1, warm page, includes the simulated model latency): median ${timings[2]} ms, min ${timings[0]} ms`);
    assert.deepEqual(seen.foreign, []);
    assert.deepEqual(seen.errors, []);
    await page.close();
  });
});

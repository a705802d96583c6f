/**
 * What the playground's browser tests add to the site's browser harness (the production build on
 * 127.0.0.1, Debian's Chromium): opening the playground, editing its CodeMirror editors as a
 * reader would, and waiting for responses and telemetry.
 */
import type { Locator, Page } from 'playwright-core';

/** Opens a page and waits until the playground has loaded and applied its policy. */
export async function openPlayground(page: Page, url: string): Promise<Locator> {
  await page.goto(url, { waitUntil: 'load' });
  const playground = page.getByTestId('policy-playground');
  // Scrolling the placeholder into view is what loads the playground.
  await page.evaluate(() => document.querySelector('[data-testid="playground-placeholder"]')?.scrollIntoView());
  await playground.waitFor({ state: 'visible', timeout: 30_000 });
  await page.getByTestId('playground-policy-state').filter({ hasText: /^Saved/ }).waitFor({ timeout: 30_000 });
  return playground;
}

/** Replaces the whole text of a CodeMirror editor, typing it as a paste would. */
export async function replaceEditorText(page: Page, editorTestId: string, text: string): Promise<void> {
  const content = page.getByTestId(editorTestId).locator('.cm-content');
  await content.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** The current text of a CodeMirror editor (scrolled into view, so that every line is drawn). */
export async function editorText(page: Page, editorTestId: string): Promise<string> {
  const content = page.getByTestId(editorTestId).locator('.cm-content');
  await content.scrollIntoViewIfNeeded();
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  return content.evaluate((element) => Array.from(element.querySelectorAll('.cm-line'), (line) => line.textContent ?? '').join('\n'));
}

/** Waits until no telemetry is on its way, then returns the number of customMetrics rows shown. */
export async function settledMetricRows(page: Page, timeoutMs = 30_000): Promise<number> {
  const telemetry = page.getByTestId('playground-telemetry');
  await page.waitForFunction(
    () => document.querySelector('[data-testid="playground-telemetry"]')?.getAttribute('data-pending') === '0',
    undefined,
    { timeout: timeoutMs, polling: 100 },
  );
  return Number(await telemetry.getAttribute('data-metric-rows'));
}

/** Clicks Send and waits for the complete response; returns its status. */
export async function sendAndWait(page: Page): Promise<number> {
  const before = await page.evaluate(() => Number(document.querySelector('[data-testid="playground-response"]')?.getAttribute('data-sequence') ?? 0));
  await page.getByTestId('playground-send').click();
  await page.waitForFunction(
    (previous) => {
      const response = document.querySelector('[data-testid="playground-response"]');
      return Number(response?.getAttribute('data-sequence') ?? 0) > previous && response?.getAttribute('data-done') === 'true';
    },
    before,
    { timeout: 30_000, polling: 20 },
  );
  return Number(await page.getByTestId('playground-response').getAttribute('data-status'));
}

/**
 * What the playground's browser tests share: the production build served on 127.0.0.1 (the
 * way a static host serves it, `/page` → `page.html`), Debian's Chromium driven by
 * playwright-core, and helpers that edit the CodeMirror editors as a reader would.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const BUILD_DIR = resolve(process.env.PLAYGROUND_BUILD_DIR ?? 'build');
export const CHROMIUM = '/usr/bin/chromium';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.woff2': 'font/woff2',
};

/** The file a URL path maps to in the build, as a static host resolves it (or undefined). */
function fileFor(urlPath: string): string | undefined {
  const clean = normalize(decodeURIComponent(urlPath.split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
  const base = join(BUILD_DIR, clean);
  const candidates = [base, `${base}.html`, join(base, 'index.html')];
  return candidates.find((candidate) => candidate.startsWith(BUILD_DIR) && existsSync(candidate) && statSync(candidate).isFile());
}

export interface StaticSite {
  origin: string;
  close(): Promise<void>;
}

/** Serves the production build on 127.0.0.1 on a free port. */
export async function serveBuild(): Promise<StaticSite> {
  if (!existsSync(join(BUILD_DIR, 'index.html'))) {
    throw new Error(`No production build in ${BUILD_DIR}: run \`npm run build\` first (npm test does it for you).`);
  }
  const server: Server = createServer((req, res) => {
    const file = fileFor(req.url ?? '/');
    if (file === undefined) {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(existsSync(join(BUILD_DIR, '404.html')) ? readFileSync(join(BUILD_DIR, '404.html')) : 'Not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The static server has no port.');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, in a fresh profile, allowed to use the clipboard. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's browser with \`apt-get install -y chromium\` (.ci/run does it).`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'playground-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collects console errors, failed requests and requests that leave 127.0.0.1. */
export function watchPage(page: Page, origin: string): { errors: string[]; foreign: string[] } {
  const seen = { errors: [] as string[], foreign: [] as string[] };
  page.on('console', (message) => {
    if (message.type() === 'error') seen.errors.push(message.text());
  });
  page.on('pageerror', (error) => seen.errors.push(error.message));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) seen.foreign.push(url);
  });
  return seen;
}

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

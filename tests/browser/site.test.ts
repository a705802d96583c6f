/**
 * The course site in a real browser (Debian's Chromium through playwright-core) against the
 * production build served on 127.0.0.1: pages load cleanly, the labs are runnable from the core
 * lesson, the copy button copies, search works offline, the architecture diagram renders.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { PrismTheme } from 'prism-react-renderer';
import { prismDark } from '../../src/utils/prismDark.ts';
import { prismLight } from '../../src/utils/prismLight.ts';
import { SITE_BUILD_DIR, launchSiteBrowser, recordProblems, serveSiteBuild, type ServedSite, type SiteBrowser } from './harness.ts';

const LESSONS = ['/', '/get-ready', '/set-up-cloud-resources', '/token-monitoring', '/clean-up', '/instructors', '/sandbox'];
const CORE = '/token-monitoring';
const RESULTS_DIR = join(process.cwd(), 'test-results');

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

async function open(path: string): Promise<{ page: Page; problems: ReturnType<typeof recordProblems> }> {
  const page = await browser.context.newPage();
  const problems = recordProblems(page, site.origin);
  const response = await page.goto(`${site.origin}${path}`, { waitUntil: 'networkidle' });
  assert.equal(response?.status(), 200, `${path} answered ${response?.status()}`);
  return { page, problems };
}

test('every lesson page loads with its title, no console error and no request leaving the machine', async () => {
  const lessons = existsSync(join(SITE_BUILD_DIR, 'playground.html')) ? [...LESSONS, '/playground'] : LESSONS;
  for (const path of lessons) {
    const { page, problems } = await open(path);
    await page.locator('article h1').first().waitFor();
    assert.ok((await page.locator('article h1').first().innerText()).length > 3, `${path} has no page title`);
    assert.deepEqual(problems.errors, [], `console errors on ${path}`);
    assert.deepEqual(problems.external, [], `requests outside 127.0.0.1 on ${path}`);
    await page.close();
  }
});

test('each exercise of the core lesson shows its lab command and a working link to the script', async () => {
  const { page, problems } = await open(CORE);
  const exercises = await page.evaluate(() =>
    Array.from(document.querySelectorAll('article h2'))
      .filter((heading) => heading.textContent?.startsWith('Exercise:'))
      .map((heading) => {
        const steps: string[] = [];
        for (let node = heading.nextElementSibling; node && node.tagName !== 'H2'; node = node.nextElementSibling) {
          node.querySelectorAll('[data-lab-step]').forEach((element) => steps.push(element.getAttribute('data-lab-step')!));
          if (node.matches('[data-lab-step]')) steps.push(node.getAttribute('data-lab-step')!);
        }
        return { title: heading.textContent!.replace(/#$/, '').trim(), steps };
      }),
  );
  assert.equal(exercises.length, 4, JSON.stringify(exercises));
  for (const exercise of exercises) assert.ok(exercise.steps.length > 0, `"${exercise.title}" shows no lab`);

  const labs = page.locator('[data-lab-step]');
  const count = await labs.count();
  assert.ok(count >= 8);
  for (let index = 0; index < count; index += 1) {
    const lab = labs.nth(index);
    const step = (await lab.getAttribute('data-lab-step'))!;
    assert.equal(await lab.locator('code[data-command]').getAttribute('data-command'), `npm run lab:${step}`);
    assert.ok(await lab.locator('code[data-command]').isVisible());
    const link = lab.getByRole('link', { name: `labs/${step}.ts` });
    assert.equal(await link.count(), 1, `lab ${step} has no link to labs/${step}.ts`);
    assert.equal(await link.getAttribute('href'), `/labs/${step}`);
  }

  const first = (await labs.first().getAttribute('data-lab-step'))!;
  await labs.first().getByRole('link', { name: `labs/${first}.ts` }).click();
  await page.waitForURL(`**/labs/${first}`);
  await page.getByRole('heading', { level: 1, name: `labs/${first}.ts` }).waitFor();
  const source = await page.locator('main pre code').first().innerText();
  assert.ok(source.split('\n').length > 10, 'the script page shows its source');
  assert.deepEqual(problems.errors, []);
  await page.close();
});

test('the copy button puts the lab command on the clipboard', async () => {
  const { page } = await open(CORE);
  const lab = page.locator('[data-lab-step="policy"]');
  const button = lab.getByRole('button', { name: /Copy lab command/ });
  await button.click();
  await lab.getByRole('button', { name: /Copy lab command/ }).filter({ hasText: 'Copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'npm run lab:policy');
  await page.close();
});

test('the offline search finds the emit-token-metric policy in the core lesson', async () => {
  const { page, problems } = await open('/');
  const box = page.getByRole('combobox').or(page.locator('input.navbar__search-input')).first();
  await box.click();
  await box.pressSequentially('emit-token-metric', { delay: 20 });
  const hit = page.locator('[role="listbox"] [role="option"]').first();
  await hit.waitFor({ timeout: 15_000 });
  await hit.click();
  await page.waitForURL((url) => url.pathname === CORE);
  assert.match(await page.locator('article').innerText(), /azure-openai-emit-token-metric/);
  assert.deepEqual(problems.external, []);
  await page.close();
});

test('the architecture diagram renders as an SVG with its components', async () => {
  const { page, problems } = await open('/');
  const svg = page.locator('.docusaurus-mermaid-container svg').first();
  await svg.waitFor({ timeout: 15_000 });
  const labels = (await svg.textContent()) ?? '';
  for (const label of ['API Management', 'Azure OpenAI', 'Application Insights', 'Log Analytics']) assert.ok(labels.includes(label), `the diagram lacks "${label}"`);
  assert.deepEqual(problems.errors, []);
  await page.close();
});

test('the video loads nothing from YouTube until asked, then plays from youtube-nocookie.com', async () => {
  const { page, problems } = await open(CORE);
  await page.route('https://www.youtube-nocookie.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>player</title>' }));
  assert.equal(await page.locator('iframe').count(), 0);
  assert.equal(await page.getByRole('link', { name: 'Watch it on youtube.com' }).getAttribute('href'), 'https://www.youtube.com/watch?v=2pW6Z2VwHmQ');
  assert.deepEqual(problems.external, [], 'nothing was fetched from YouTube before the click');
  await page.getByRole('button', { name: /Play video/ }).click();
  const src = await page.locator('iframe').getAttribute('src');
  assert.match(src ?? '', /^https:\/\/www\.youtube-nocookie\.com\/embed\/2pW6Z2VwHmQ/);
  await page.close();
});

test('an unknown address shows the site\'s 404 page with a way back', async () => {
  const page = await browser.context.newPage();
  const response = await page.goto(`${site.origin}/no-such-lesson`, { waitUntil: 'networkidle' });
  assert.equal(response?.status(), 404);
  await page.getByRole('heading', { level: 1, name: /not found/i }).waitFor();
  assert.ok(await page.getByRole('link', { name: /welcome/i }).first().isVisible());
  await page.close();
});

test('dark mode switches the whole page and is remembered', async () => {
  const { page } = await open(CORE);
  await page.getByRole('button', { name: /dark mode|light mode|system mode/i }).first().click();
  let theme = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
  if (theme !== 'dark') {
    await page.getByRole('button', { name: /dark mode|light mode|system mode/i }).first().click();
    theme = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
  }
  assert.equal(theme, 'dark');
  assert.deepEqual(await codeColours(page), DARK_CODE, 'code blocks follow the switch');
  await page.reload({ waitUntil: 'networkidle' });
  assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-theme')), 'dark');
  assert.deepEqual(await codeColours(page), DARK_CODE, 'code blocks are dark after a reload in dark mode');
  await page.evaluate(() => localStorage.clear());
  await page.reload({ waitUntil: 'networkidle' });
  assert.deepEqual(await codeColours(page), LIGHT_CODE, 'code blocks are light again');
  await page.close();
});

const DARK_CODE = paletteOf(prismDark);
const LIGHT_CODE = paletteOf(prismLight);

/** What the first XML block must look like in a theme: its background and the colour of its tags. */
function paletteOf(theme: PrismTheme): { background: string; tag: string } {
  const tag = theme.styles.find((entry) => entry.types.includes('tag'))!.style.color!;
  return { background: hexToRgb(theme.plain.backgroundColor!), tag: hexToRgb(tag) };
}

function hexToRgb(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}

/** Background and tag colour of the first XML code block, as painted. */
async function codeColours(page: Page): Promise<{ background: string; tag: string }> {
  return page.locator('.markdown pre.prism-code.language-xml').first().evaluate((pre) => ({
    background: getComputedStyle(pre).backgroundColor,
    tag: getComputedStyle(pre.querySelector('[class="token tag"]')!).color,
  }));
}

test('a screenshot of the core lesson is saved under test-results/', async () => {
  const { page } = await open(CORE);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, 'core-lesson.png');
  await page.screenshot({ path: file, fullPage: true, timeout: 120_000 });
  assert.ok(existsSync(file));
  await page.close();
});

/**
 * The policy playground in a real browser, on the production build: a request gets its usage and
 * three token metric rows; the policy, the prerequisites and the XML decide what arrives; the
 * preloaded KQL draws its chart; streaming arrives in pieces; a reload keeps the reader's policy.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchSiteBrowser, recordProblems, serveSiteBuild, type PageProblems, type ServedSite, type SiteBrowser } from './harness.ts';
import { editorText, openPlayground, replaceEditorText, sendAndWait, settledMetricRows } from './playground-harness.ts';

const POLICY_FILE = readFileSync('labs/policies/openai-api-token-metrics.xml', 'utf8');
const QUERY_FILE = readFileSync('labs/queries/tokens-over-time.kql', 'utf8');
const EMIT_ELEMENT = /\s*<azure-openai-emit-token-metric[\s\S]*?<\/azure-openai-emit-token-metric>/;

interface MetricRow {
  name: string;
  value: number;
  dimensions: Record<string, string>;
}

/** The customMetrics rows the telemetry panel shows, read from its table. */
async function metricRows(page: Page): Promise<MetricRow[]> {
  const table = await page.getByTestId('playground-metrics').evaluate((element) => ({
    headers: Array.from(element.querySelectorAll('thead th'), (th) => th.textContent ?? ''),
    rows: Array.from(element.querySelectorAll('tbody tr'), (tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')),
  }));
  const column = (name: string) => table.headers.indexOf(name);
  return table.rows.map((cells) => ({
    name: cells[column('name')] ?? '',
    value: Number(cells[column('value')]),
    dimensions: JSON.parse(cells[column('customDimensions')] || '{}') as Record<string, string>,
  }));
}

async function usage(page: Page): Promise<{ prompt: number; completion: number; total: number }> {
  const text = await page.getByTestId('playground-usage').innerText();
  const number = (name: string) => Number(new RegExp(`${name} (\\d+)`).exec(text)?.[1]);
  return { prompt: number('prompt_tokens'), completion: number('completion_tokens'), total: number('total_tokens') };
}

async function reset(page: Page): Promise<void> {
  await page.getByTestId('playground-reset').click();
  await page.getByTestId('playground-policy-state').filter({ hasText: /^Saved/ }).waitFor();
}

describe('policy playground (production build, Chromium)', { timeout: 240_000 }, () => {
  let site: ServedSite;
  let browser: SiteBrowser;
  let page: Page;
  let seen: PageProblems;

  before(async () => {
    site = await serveSiteBuild();
    browser = await launchSiteBrowser();
    page = await browser.context.newPage();
    seen = recordProblems(page, site.origin);
    await openPlayground(page, `${site.origin}/playground`);
  });

  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test('the editor starts with the lesson policy and the KQL box with the lesson query', async () => {
    await reset(page);
    assert.equal((await editorText(page, 'playground-policy-editor')).trim(), POLICY_FILE.trim());
    assert.equal((await editorText(page, 'playground-kql-editor')).trim(), QUERY_FILE.trim());
  });

  test('a request shows its usage, then the three token metrics with the policy dimensions', async () => {
    await reset(page);
    assert.equal(await sendAndWait(page), 200);
    const used = await usage(page);
    assert.ok(used.prompt > 0 && used.completion > 0, `usage is ${JSON.stringify(used)}`);
    assert.equal(used.prompt + used.completion, used.total);

    assert.equal(await settledMetricRows(page), 3);
    const rows = await metricRows(page);
    const byName = Object.fromEntries(rows.map((row) => [row.name, row]));
    assert.deepEqual(Object.keys(byName).sort(), ['Completion Tokens', 'Prompt Tokens', 'Total Tokens']);
    assert.equal(byName['Prompt Tokens']!.value, used.prompt);
    assert.equal(byName['Completion Tokens']!.value, used.completion);
    assert.equal(byName['Total Tokens']!.value, used.total);
    assert.deepEqual(byName['Total Tokens']!.dimensions, {
      'API ID': 'openai',
      'Subscription ID': 'chat-app',
      'User ID': 'ada@contoso.example',
      'Client IP': '127.0.0.1',
    });
  });

  test('without the emit policy the same request sends no token metric', async () => {
    await reset(page);
    const withoutEmit = POLICY_FILE.replace(EMIT_ELEMENT, '');
    assert.notEqual(withoutEmit, POLICY_FILE);
    await replaceEditorText(page, 'playground-policy-editor', withoutEmit);
    assert.equal(await sendAndWait(page), 200);
    assert.ok((await usage(page)).total > 0);
    assert.equal(await settledMetricRows(page), 0);
  });

  test('a dimension added to the policy appears on every row', async () => {
    await reset(page);
    const withOperation = POLICY_FILE.replace('<dimension name="API ID" />', '<dimension name="API ID" />\n            <dimension name="Operation ID" />');
    await replaceEditorText(page, 'playground-policy-editor', withOperation);
    await page.getByTestId('playground-subscription').selectOption('preset:data-team');
    assert.equal(await sendAndWait(page), 200);
    assert.equal(await settledMetricRows(page), 3);
    for (const row of await metricRows(page)) {
      assert.equal(row.dimensions['Operation ID'], 'ChatCompletions_Create');
      assert.equal(row.dimensions['Subscription ID'], 'data-team');
    }
  });

  test('switching off custom metrics with dimensions strips them, and the log says why', async () => {
    await reset(page);
    await page.getByTestId('playground-prereq-customMetricsWithDimensions').uncheck();
    assert.equal(await sendAndWait(page), 200);
    assert.equal(await settledMetricRows(page), 3);
    for (const row of await metricRows(page)) assert.deepEqual(row.dimensions, {});
    assert.match(await page.getByTestId('playground-log').innerText(), /With dimensions/);

    await page.getByTestId('playground-prereq-diagnosticMetrics').uncheck();
    assert.equal(await sendAndWait(page), 200);
    assert.equal(await settledMetricRows(page), 3, 'no new rows without metrics: true on the diagnostic');
  });

  test('broken XML is refused with the element, line and column, and nothing is sent', async () => {
    await reset(page);
    const broken = POLICY_FILE.replace('</inbound>', '</inbund>');
    await replaceEditorText(page, 'playground-policy-editor', broken);
    await page.getByTestId('playground-save').click();
    const error = page.getByTestId('playground-policy-error');
    await error.waitFor();
    const message = await error.innerText();
    assert.match(message, /ValidationError/);
    const position = /line (\d+), column (\d+)/.exec(message);
    assert.ok(position, `the error names a line and column: ${message}`);
    const brokenLine = broken.split('\n').findIndex((line) => line.includes('</inbund>')) + 1;
    assert.equal(Number(position[1]), brokenLine);
    const editor = page.getByTestId('playground-policy-editor');
    assert.equal(await editor.getAttribute('data-error-line'), position[1]);
    assert.equal(await editor.locator('.playground-error-line').count(), 1);

    const before = await page.evaluate(() => document.querySelector('[data-testid="playground-response"]')?.getAttribute('data-sequence') ?? null);
    await page.getByTestId('playground-send').click();
    await page.getByTestId('playground-notice').filter({ hasText: 'nothing was sent' }).waitFor();
    const afterSend = await page.evaluate(() => document.querySelector('[data-testid="playground-response"]')?.getAttribute('data-sequence') ?? null);
    assert.equal(afterSend, before);
  });

  test('the preloaded KQL query charts the tokens per subscription', async () => {
    await reset(page);
    assert.equal(await sendAndWait(page), 200);
    await page.getByTestId('playground-subscription').selectOption('preset:summarizer-app');
    assert.equal(await sendAndWait(page), 200);
    assert.equal(await settledMetricRows(page), 6);
    await page.getByTestId('playground-run-query').click();
    const chart = page.getByTestId('playground-chart');
    await chart.waitFor();
    assert.equal(await chart.getAttribute('data-kind'), 'time');
    await chart.locator('svg.recharts-surface').first().waitFor();
    const legend = await chart.locator('.recharts-legend-wrapper').innerText();
    assert.match(legend, /chat-app/);
    assert.match(legend, /summarizer-app/);
    const table = page.getByTestId('playground-query-table');
    assert.ok(Number(await table.getAttribute('data-rows')) >= 2);

    await replaceEditorText(page, 'playground-kql-editor', 'customMetrics\n| whre name == "Total Tokens"');
    await page.getByTestId('playground-run-query').click();
    const error = await page.getByTestId('playground-query-error').innerText();
    assert.match(error, /BadArgumentError/);
    assert.match(error, /line 2, column 3/);
  });

  test('a streamed response arrives in more than one piece', async () => {
    await reset(page);
    await page.getByTestId('playground-stream').check();
    const before = await page.evaluate(() => Number(document.querySelector('[data-testid="playground-response"]')?.getAttribute('data-sequence') ?? 0));
    await page.getByTestId('playground-send').click();
    // Part of the body is on screen while the rest is still coming.
    await page.waitForFunction(
      (previous) => {
        const response = document.querySelector('[data-testid="playground-response"]');
        return (
          Number(response?.getAttribute('data-sequence') ?? 0) > previous &&
          response?.getAttribute('data-done') === 'false' &&
          Number(response?.getAttribute('data-pieces')) >= 2
        );
      },
      before,
      { timeout: 30_000, polling: 10 },
    );
    await page.waitForFunction(() => document.querySelector('[data-testid="playground-response"]')?.getAttribute('data-done') === 'true', undefined, {
      timeout: 30_000,
    });
    const pieces = Number(await page.getByTestId('playground-response').getAttribute('data-pieces'));
    assert.ok(pieces > 2, `${pieces} pieces`);
    assert.ok((await page.getByTestId('playground-body').innerText()).includes('data: [DONE]'));
    const used = await usage(page);
    assert.equal(await settledMetricRows(page), 3);
    const total = (await metricRows(page)).find((row) => row.name === 'Total Tokens');
    assert.equal(total?.value, used.total);
  });

  test('a reload keeps the edited policy, and Reset brings back the lesson file', async () => {
    await reset(page);
    const edited = POLICY_FILE.replace('<policies>', '<policies>\n    <!-- kept across reloads -->');
    await replaceEditorText(page, 'playground-policy-editor', edited);
    await page.reload({ waitUntil: 'load' });
    await openPlayground(page, page.url());
    assert.equal((await editorText(page, 'playground-policy-editor')).trim(), edited.trim());
    await reset(page);
    assert.equal((await editorText(page, 'playground-policy-editor')).trim(), POLICY_FILE.trim());
    await page.reload({ waitUntil: 'load' });
    await openPlayground(page, page.url());
    assert.equal((await editorText(page, 'playground-policy-editor')).trim(), POLICY_FILE.trim());
  });

  test('Copy as lab command gives shell lines that write the edited policy and apply it', async () => {
    await reset(page);
    const edited = POLICY_FILE.replace('<dimension name="API ID" />', '<dimension name="API ID" />\n            <dimension name="Operation ID" />');
    await replaceEditorText(page, 'playground-policy-editor', edited);
    await page.getByTestId('playground-copy-command').click();
    await page.getByTestId('playground-notice').filter({ hasText: 'Copied' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, /^cat > labs\/policies\/openai-api-token-metrics\.xml <<'POLICY_XML'$/m);
    assert.ok(copied.includes(edited.trim()), 'the copied lines carry the edited policy');
    assert.match(copied, /^npm run lab:policy$/m);
  });

  test('nothing left the page and nothing failed', () => {
    assert.deepEqual(seen.external, []);
    assert.deepEqual(seen.errors, []);
  });
});

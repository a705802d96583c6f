/**
 * The course reads as finished material: no unfinished text, every exercise has its lab, every lab
 * a page names exists as a script with an npm command, and every file a page embeds exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, coursePages, corePage, labFilesIn, labStepsIn, lineOf, sectionsOf } from './docs.ts';

const UNFINISHED = [/\bTODO\b/, /\bTBD\b/, /\bFIXME\b/, /\bXXX\b/, /placeholder/i, /lorem ipsum/i, /coming soon/i, /to be (written|completed|done)/i];

test('no page contains unfinished text (TODO, TBD, placeholder and the like)', () => {
  const findings: string[] = [];
  for (const page of coursePages()) {
    for (const pattern of UNFINISHED) {
      for (const match of page.text.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))) {
        findings.push(`${page.file}:${lineOf(page.text, match.index)} contains "${match[0]}"`);
      }
    }
  }
  assert.deepEqual(findings, [], 'Finish these passages before publishing the course.');
});

test('the core lesson has the exercises of the lesson, in order, each with its lab', () => {
  const core = corePage();
  const titles = sectionsOf(core).filter((section) => section.level === 2).map((section) => section.title);
  const expected = ['Create App Insights instance', 'Import Azure OpenAI as API', 'Configure Azure API Management for monitoring', 'Test monitoring'];
  assert.deepEqual(
    titles.filter((title) => title.startsWith('Exercise:')).map((title) => title.replace(/^Exercise:\s*/, '')),
    expected,
  );
  for (const required of ['Scenario: Monitor your token consumption', 'Video', 'How to approach it?', 'Resources', 'Infrastructure as Code']) {
    assert.ok(titles.includes(required), `The core lesson lacks its "${required}" section.`);
  }
  const steps = labStepsIn(core).map((found) => found.step);
  assert.deepEqual(steps, ['app-insights', 'import-api', 'inspect', 'monitoring', 'policy', 'traffic', 'metrics', 'iac']);
  const configure = sectionsOf(core).find((section) => section.title.startsWith('Exercise: Configure'))!;
  const subsections = sectionsOf({ file: core.file, text: configure.body }).filter((section) => section.level === 3).map((section) => section.title);
  for (const required of ['Validate import', 'Configure policy']) assert.ok(subsections.includes(required), `"Configure Azure API Management for monitoring" lacks "${required}".`);
});

test('every exercise on every page has a LabStep, and so does each of its subsections', () => {
  const missing: string[] = [];
  for (const page of coursePages()) {
    const sections = sectionsOf(page);
    for (const section of sections) {
      if (section.level !== 2 || !section.title.startsWith('Exercise:')) continue;
      if (!/<LabStep\b/.test(section.body)) missing.push(`${page.file}:${section.line} "${section.title}"`);
      const children = sectionsOf({ file: page.file, text: section.body }).filter((child) => child.level === 3 && !/portal/i.test(child.title));
      for (const child of children) {
        if (!/<LabStep\b/.test(child.body)) missing.push(`${page.file}:${section.line + child.line} "${section.title} / ${child.title}"`);
      }
    }
  }
  assert.deepEqual(missing, [], 'These exercises have no <LabStep step="..."> for the learner to run.');
});

test('every lab step a page names has its script in labs/ and its npm command', () => {
  const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const problems: string[] = [];
  for (const page of coursePages()) {
    for (const { step, line } of labStepsIn(page)) {
      if (!existsSync(join(REPO_ROOT, 'labs', `${step}.ts`))) problems.push(`${page.file}:${line} names lab step "${step}", but labs/${step}.ts does not exist`);
      if (!scripts[`lab:${step}`]) problems.push(`${page.file}:${line} names lab step "${step}", but package.json has no "lab:${step}" script`);
    }
  }
  assert.deepEqual(problems, []);
});

test('every lab file a page embeds exists', () => {
  const problems: string[] = [];
  for (const page of coursePages()) {
    for (const { path, line } of labFilesIn(page)) {
      if (!existsSync(join(REPO_ROOT, path))) problems.push(`${page.file}:${line} embeds ${path}, which does not exist`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the core lesson shows the three policy files, both queries and the Bicep template', () => {
  const embedded = labFilesIn(corePage()).map((found) => found.path);
  for (const path of [
    'labs/policies/openai-api.xml',
    'labs/policies/openai-api-token-metrics.xml',
    'labs/policies/llm-emit-token-metric.xml',
    'labs/queries/tokens-by-subscription.kql',
    'labs/queries/tokens-over-time.kql',
    'labs/infra/main.bicep',
  ]) {
    assert.ok(embedded.includes(path), `The core lesson does not embed ${path}.`);
  }
});

test('the seed video is embedded the privacy-friendly way, with a plain link beside it', () => {
  const core = corePage().text;
  assert.match(core, /<VideoEmbed id="2pW6Z2VwHmQ"/);
  assert.doesNotMatch(core, /<iframe/i, 'Embed videos with <VideoEmbed>, which loads nothing from YouTube until the reader asks.');
  const component = readFileSync(join(REPO_ROOT, 'src/components/VideoEmbed/index.tsx'), 'utf8');
  assert.match(component, /youtube-nocookie\.com\/embed/);
  assert.match(component, /https:\/\/www\.youtube\.com\/watch\?v=/);
});

test('Microsoft Learn links are current, locale-free addresses', () => {
  const problems: string[] = [];
  for (const page of coursePages()) {
    for (const match of page.text.matchAll(/https:\/\/(?:docs\.microsoft\.com|learn\.microsoft\.com\/[a-z]{2}-[a-z]{2}\/)[^\s)]*/gi)) {
      problems.push(`${page.file}:${lineOf(page.text, match.index)} ${match[0]}`);
    }
  }
  assert.deepEqual(problems, [], 'Use https://learn.microsoft.com/azure/... (no docs.microsoft.com, no locale): Learn picks the reader\'s language.');
});

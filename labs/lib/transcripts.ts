/**
 * Lab transcripts: the output of real lab runs against a fresh sandbox, made stable so the lesson
 * pages can show them and a test can tell when a lab's output drifts.
 *
 * `normaliseTranscript` is applied when capturing: it replaces what is random in a run (the
 * sandbox's port, subscription id and the name suffix derived from it, other GUIDs, the state
 * folder) with fixed values a learner would recognise. `comparableTranscript` additionally hides
 * what changes from one run to the next even on the same machine (timings, clock times, masked
 * key prefixes, the chart's drawing), for the drift test.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { uniqueSuffix } from './names.ts';
import { labsDir } from './paths.ts';

export const TRANSCRIPTS_DIR = join(labsDir, 'transcripts');
/** The subscription id shown in transcripts in place of the sandbox's random one. */
export const TRANSCRIPT_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';
export const TRANSCRIPT_PORT = 47443;

export interface RunFacts {
  subscriptionId: string;
  prefix: string;
  stateDir: string;
}

const GUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

export function normaliseTranscript(text: string, facts: RunFacts): string {
  const guids = new Map<string, string>([[facts.subscriptionId.toLowerCase(), TRANSCRIPT_SUBSCRIPTION_ID]]);
  return text
    .replace(/\x1b\[[0-9;]*m/g, '')
    .replace(/https:\/\/127\.0\.0\.1:\d+/g, `https://127.0.0.1:${TRANSCRIPT_PORT}`)
    .replaceAll(facts.stateDir, '.lab')
    .replaceAll(uniqueSuffix(facts.subscriptionId, facts.prefix), uniqueSuffix(TRANSCRIPT_SUBSCRIPTION_ID, facts.prefix))
    .replace(GUID, (guid) => {
      const key = guid.toLowerCase();
      if (!guids.has(key)) guids.set(key, `00000000-0000-4000-8000-${String(guids.size).padStart(12, '0')}`);
      return guids.get(key) as string;
    });
}

/** A normalised transcript with the parts that differ between two identical runs hidden. */
export function comparableTranscript(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*[\d,.]+ [┼┤]/.test(line)) // the chart's rows
    .join('\n')
    .replace(/\(\d+(\.\d+)? s\)/g, '(n s)')
    .replace(/\b\d{2}:\d{2}\b/g, 'hh:mm')
    .replace(/\b\S{4}•{8}/g, '••••••••••••')
    .replace(/─+/g, '─') // table widths follow the longest cell (e.g. a temporary folder's name)
    .replace(/[ \t]+/g, ' ')
    .replace(/ $/gm, '');
}

export function readTranscript(step: string): string | undefined {
  try {
    return readFileSync(join(TRANSCRIPTS_DIR, `${step}.txt`), 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes `index.ts`, which the site's ExpectedOutput component imports, from the .txt files. */
export function writeTranscriptIndex(): string[] {
  const steps = readdirSync(TRANSCRIPTS_DIR)
    .filter((name) => name.endsWith('.txt'))
    .map((name) => name.slice(0, -4))
    .sort();
  const entries = steps.map((step) => `  ${JSON.stringify(step)}: ${JSON.stringify(readTranscript(step))},`);
  writeFileSync(
    join(TRANSCRIPTS_DIR, 'index.ts'),
    [
      '/**',
      ' * Transcripts of real lab runs, keyed by step name, shown on the lesson pages by',
      ' * `ExpectedOutput`. Written by `npm run labs:capture`; a step without a transcript shows nothing.',
      ' */',
      'export const transcripts: Record<string, string> = {',
      ...entries,
      '};',
      '',
    ].join('\n'),
  );
  return steps;
}

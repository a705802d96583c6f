/**
 * Reads the course pages (docs/*.md, docs/*.mdx) for the content tests: their text, the lab steps
 * and lab files they show, and their sections by heading.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const DOCS_DIR = join(REPO_ROOT, 'docs');

export interface CoursePage {
  file: string;
  text: string;
}

export function coursePages(): CoursePage[] {
  return readdirSync(DOCS_DIR, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.mdx?$/.test(name))
    .sort()
    .map((name) => ({ file: `docs/${name}`, text: readFileSync(join(DOCS_DIR, name), 'utf8') }));
}

export function corePage(): CoursePage {
  const page = coursePages().find((candidate) => candidate.file === 'docs/token-monitoring.mdx');
  if (!page) throw new Error('docs/token-monitoring.mdx, the core lesson, is missing.');
  return page;
}

/** 1-based line of a character offset. */
export function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Every `<LabStep step="...">` of a page, with its line. */
export function labStepsIn(page: CoursePage): Array<{ step: string; line: number }> {
  return [...page.text.matchAll(/<LabStep\b[^>]*?\bstep=["']([^"']+)["']/g)].map((match) => ({ step: match[1]!, line: lineOf(page.text, match.index) }));
}

/** Every `<LabFile path="...">` of a page, with its line. */
export function labFilesIn(page: CoursePage): Array<{ path: string; line: number }> {
  return [...page.text.matchAll(/<LabFile\b[^>]*?\bpath=["']([^"']+)["']/g)].map((match) => ({ path: match[1]!, line: lineOf(page.text, match.index) }));
}

export interface Section {
  level: number;
  title: string;
  line: number;
  /** The text up to the next heading of the same or a higher level. */
  body: string;
}

/** Markdown sections (ATX headings outside code fences). */
export function sectionsOf(page: CoursePage): Section[] {
  const lines = page.text.split('\n');
  const headings: Array<{ level: number; title: string; index: number }> = [];
  let inFence = false;
  lines.forEach((line, index) => {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const match = !inFence && /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (match) headings.push({ level: match[1]!.length, title: match[2]!, index });
  });
  return headings.map((heading, position) => {
    const end = headings.slice(position + 1).find((next) => next.level <= heading.level)?.index ?? lines.length;
    return { level: heading.level, title: heading.title, line: heading.index + 1, body: lines.slice(heading.index + 1, end).join('\n') };
  });
}

/**
 * Code on the site is readable: every colour of both code themes, and the course palette where it
 * carries text, reaches WCAG AA contrast (4.5:1) against its background.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PrismTheme } from 'prism-react-renderer';
import { prismLight } from '../../src/utils/prismLight.ts';
import { prismDark } from '../../src/utils/prismDark.ts';
import { REPO_ROOT } from './docs.ts';

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((start) => parseInt(hex.slice(start, start + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

function themeProblems(name: string, theme: PrismTheme): string[] {
  const background = theme.plain.backgroundColor!;
  const colours = [{ types: ['plain'], color: theme.plain.color! }, ...theme.styles.flatMap((style) => (style.style.color ? [{ types: style.types, color: style.style.color }] : []))];
  return colours
    .filter(({ color }) => contrast(color, background) < 4.5)
    .map(({ types, color }) => `${name}: ${types.join(', ')} ${color} on ${background} is ${contrast(color, background).toFixed(2)}:1`);
}

test('the contrast formula matches WCAG reference values', () => {
  assert.equal(contrast('#000000', '#ffffff').toFixed(0), '21');
  assert.equal(contrast('#777777', '#ffffff').toFixed(2), '4.48');
});

test('every token colour of both code themes reaches 4.5:1', () => {
  assert.deepEqual([...themeProblems('light', prismLight), ...themeProblems('dark', prismDark)], []);
});

test('the primary colour reaches 4.5:1 on the surfaces it colours text on', () => {
  const css = readFileSync(join(REPO_ROOT, 'src/css/custom.css'), 'utf8');
  const light = /:root\s*{[^}]*--ifm-color-primary:\s*(#[0-9a-f]{6})/i.exec(css)?.[1];
  const dark = /\[data-theme='dark'\]\s*{[^}]*--ifm-color-primary:\s*(#[0-9a-f]{6})/i.exec(css)?.[1];
  assert.ok(light && dark, 'custom.css must set --ifm-color-primary for light and dark mode');
  // Page, breadcrumb/hover and admonition backgrounds of the classic theme.
  for (const background of ['#ffffff', '#f2f2f2', '#ebedf0']) assert.ok(contrast(light, background) >= 4.5, `${light} on ${background}`);
  for (const background of ['#1b1b1d', '#242526', '#2b2b2e']) assert.ok(contrast(dark, background) >= 4.5, `${dark} on ${background}`);
});

/**
 * Conversions between the engine's value kinds, and the JSON form each column type takes in a
 * Logs query API answer (datetime as ISO 8601 UTC, timespan as `[d.]hh:mm:ss[.fffffff]`,
 * dynamic as JSON text).
 */
import type { KqlType } from './types.ts';
import { parseDatetimeText } from './parser.ts';

export function formatDatetime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function formatTimespan(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let ticks = Math.round(Math.abs(ms) * 10_000);
  const fraction = ticks % 10_000_000;
  ticks = (ticks - fraction) / 10_000_000;
  const seconds = ticks % 60;
  const minutes = Math.floor(ticks / 60) % 60;
  const hours = Math.floor(ticks / 3600) % 24;
  const days = Math.floor(ticks / 86_400);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${sign}${days > 0 ? `${days}.` : ''}${two(hours)}:${two(minutes)}:${two(seconds)}${fraction > 0 ? `.${String(fraction).padStart(7, '0')}` : ''}`;
}

/** `tostring()` of a dynamic value: strings as they are, other values as JSON, null as empty. */
export function dynamicToString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A dynamic or string value read as a number, or null when it is not one. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    if (value.trim() === '') return null;
    const n = Number(value);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

export function toDatetime(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return parseDatetimeText(value) ?? (Number.isNaN(Date.parse(value)) ? null : Date.parse(value));
  return null;
}

/** `tostring()` of a value of a known type. */
export function valueToString(type: KqlType, value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (type) {
    case 'datetime':
      return formatDatetime(value as number);
    case 'timespan':
      return formatTimespan(value as number);
    case 'dynamic':
      return dynamicToString(value);
    default:
      return String(value);
  }
}

/** The cell as the Logs query API writes it in `rows`. */
export function toWire(type: KqlType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'datetime':
      return Number.isFinite(value as number) ? formatDatetime(value as number) : null;
    case 'timespan':
      return formatTimespan(value as number);
    case 'dynamic':
      return dynamicToString(value);
    case 'real':
    case 'long':
    case 'int':
      return Number.isFinite(value as number) ? value : String(value);
    default:
      return value;
  }
}

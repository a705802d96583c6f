/**
 * Turns the captured metrics series (`labs/transcripts/metrics-series.json`) into chart rows:
 * one row per time bucket, one numeric column per series (an APIM subscription or a user).
 * Accepts the long form that `tokens-over-time.kql` returns ({timestamp, subscription, tokens}),
 * a wide form ({timestamp, a: n, b: m}) and named series ({name, points: [{timestamp, value}]}).
 */
export interface ChartData {
  /** Series names, in order of first appearance. */
  keys: string[];
  /** One entry per time bucket, sorted by time: `time` plus a number per key. */
  rows: Array<{ time: string } & Record<string, number | string>>;
  /** Totals per key over the whole series. */
  totals: Record<string, number>;
}

type Item = Record<string, unknown>;

const TIME_KEYS = ['timestamp', 'time', 'bin', 't', 'TimeGenerated'];
const NAME_KEYS = ['subscription', 'series', 'name', 'user', 'label', 'key'];
const VALUE_KEYS = ['tokens', 'totalTokens', 'value', 'total', 'sum', 'valueSum'];

function isItem(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(item: Item, keys: string[], type: 'string' | 'number'): string | number | undefined {
  for (const key of keys) {
    const value = item[key];
    if (type === 'number' && typeof value === 'number' && Number.isFinite(value)) return value;
    if (type === 'string' && (typeof value === 'string' || typeof value === 'number')) return String(value);
  }
  return undefined;
}

function listIn(raw: unknown): unknown[] | undefined {
  if (Array.isArray(raw)) return raw;
  if (isItem(raw)) {
    for (const key of ['rows', 'points', 'series', 'data', 'values']) {
      if (Array.isArray(raw[key])) return raw[key] as unknown[];
    }
  }
  return undefined;
}

/** Flattens any accepted shape into {time, name, value} points. */
function points(raw: unknown): Array<{ time: string; name: string; value: number }> {
  const list = listIn(raw) ?? [];
  const out: Array<{ time: string; name: string; value: number }> = [];
  for (const entry of list) {
    if (!isItem(entry)) continue;
    const nested = listIn(entry.points) ?? listIn(entry.data);
    const seriesName = pick(entry, NAME_KEYS, 'string');
    if (nested && seriesName !== undefined) {
      for (const point of nested) {
        if (!isItem(point)) continue;
        const time = pick(point, TIME_KEYS, 'string');
        const value = pick(point, VALUE_KEYS, 'number');
        if (time !== undefined && typeof value === 'number') out.push({ time: String(time), name: String(seriesName), value });
      }
      continue;
    }
    const time = pick(entry, TIME_KEYS, 'string');
    if (time === undefined) continue;
    const value = pick(entry, VALUE_KEYS, 'number');
    if (seriesName !== undefined && typeof value === 'number') {
      out.push({ time: String(time), name: String(seriesName), value });
      continue;
    }
    for (const [key, cell] of Object.entries(entry)) {
      if (!TIME_KEYS.includes(key) && typeof cell === 'number') out.push({ time: String(time), name: key, value: cell });
    }
  }
  return out;
}

export function toChartData(raw: unknown): ChartData | undefined {
  const all = points(raw);
  if (all.length === 0) return undefined;
  const keys: string[] = [];
  const byTime = new Map<string, { time: string } & Record<string, number | string>>();
  const totals: Record<string, number> = {};
  for (const { time, name, value } of all) {
    if (!keys.includes(name)) keys.push(name);
    const row = byTime.get(time) ?? { time };
    row[name] = ((row[name] as number | undefined) ?? 0) + value;
    byTime.set(time, row);
    totals[name] = (totals[name] ?? 0) + value;
  }
  const rows = [...byTime.values()].sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.time.localeCompare(b.time));
  for (const row of rows) for (const key of keys) row[key] ??= 0;
  return { keys, rows, totals };
}

/** `2026-11-27T10:04:00Z` → `10:04` (UTC), for axis labels. */
export function shortTime(time: string): string {
  const parsed = new Date(time);
  return Number.isNaN(parsed.getTime()) ? time : parsed.toISOString().slice(11, 16);
}

/**
 * `12345` → `12,345`. Written out rather than with `toLocaleString`: the first use of the
 * browser's number formatting loads locale data, a long pause right when the page starts up.
 */
export function formatCount(value: number): string {
  const [whole, fraction] = String(value).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** One row of the per-app, per-user totals a `lab:metrics` run saves next to its series. */
export interface UserTotal {
  subscription: string;
  user: string;
  calls: number;
  prompt: number;
  completion: number;
  total: number;
}

/** The `totals` list of a captured series, when it has one; rows without numbers are skipped. */
export function userTotals(raw: unknown): UserTotal[] {
  const list = isItem(raw) && Array.isArray(raw.totals) ? (raw.totals as unknown[]) : [];
  return list.flatMap((entry) => {
    if (!isItem(entry)) return [];
    const { subscription, user, calls, prompt, completion, total } = entry;
    if (typeof subscription !== 'string' || typeof total !== 'number') return [];
    const number = (value: unknown) => (typeof value === 'number' ? value : 0);
    return [{ subscription, user: typeof user === 'string' ? user : '', calls: number(calls), prompt: number(prompt), completion: number(completion), total }];
  });
}

/**
 * What to draw for a KQL result: a line per series over time when it has a datetime column
 * (tokens per subscription, minute by minute), else bars per row, else nothing.
 */
import type { KqlResultTable } from '../../../labs/sandbox/kql/types.ts';

const NUMERIC = new Set(['int', 'long', 'real', 'decimal']);

export type ChartPlan =
  | { kind: 'time'; data: Array<Record<string, number>>; series: string[] }
  | { kind: 'bars'; data: Array<Record<string, string | number>>; measures: string[] }
  | { kind: 'none'; reason: string };

function label(row: unknown[], indexes: number[]): string {
  return indexes.map((index) => (row[index] === null || row[index] === '' ? '(empty)' : String(row[index]))).join(' / ');
}

/** Works out what to draw from the columns of a result. */
export function planChart(table: KqlResultTable): ChartPlan {
  const columns = table.columns;
  const time = columns.findIndex((column) => column.type === 'datetime');
  const measures = columns.flatMap((column, index) => (NUMERIC.has(column.type) && index !== time ? [index] : []));
  const keys = columns.flatMap((column, index) => (column.type === 'string' ? [index] : []));
  if (table.rows.length === 0) return { kind: 'none', reason: 'The query returned no rows yet.' };
  if (measures.length === 0) return { kind: 'none', reason: 'The result has no numeric column to draw.' };

  if (time >= 0) {
    const measure = measures[0]!;
    const byTime = new Map<number, Record<string, number>>();
    const series = new Set<string>();
    for (const row of table.rows) {
      const at = Date.parse(String(row[time]));
      if (Number.isNaN(at)) continue;
      const name = keys.length > 0 ? label(row, keys) : columns[measure]!.name;
      series.add(name);
      const point = byTime.get(at) ?? { time: at };
      point[name] = (point[name] ?? 0) + Number(row[measure] ?? 0);
      byTime.set(at, point);
    }
    const data = [...byTime.values()].sort((a, b) => a.time! - b.time!);
    return { kind: 'time', data, series: [...series].sort() };
  }

  const names = measures.slice(0, 4).map((index) => columns[index]!.name);
  const data = table.rows.slice(0, 30).map((row) => {
    const point: Record<string, string | number> = { category: keys.length > 0 ? label(row, keys) : '' };
    measures.slice(0, 4).forEach((index, n) => {
      point[names[n]!] = Number(row[index] ?? 0);
    });
    return point;
  });
  return { kind: 'bars', data, measures: names };
}


/**
 * The sandbox's KQL engine: runs the subset of the Kusto Query Language the course uses over
 * in-memory tables and answers as the Logs query API does. It imports nothing from Node, so the
 * lesson's playground runs the same code in the browser.
 */
import { isTabular, type Query, type TabularExpr } from './ast.ts';
import { frameFromTable, gatherFrame, type Frame } from './frame.ts';
import { applyOperator } from './operators.ts';
import { parseQuery } from './parser.ts';
import { compileExpr, semanticError, type Scope } from './scalar.ts';
import { parseTimespan } from './timespan.ts';
import { KqlError, type KqlOptions, type KqlResult, type KqlSource, type KqlTable, type KqlType } from './types.ts';
import { toWire } from './values.ts';

export { KqlError, parseQuery };
export type { KqlColumn, KqlOptions, KqlResult, KqlResultColumn, KqlResultTable, KqlSource, KqlTable, KqlType } from './types.ts';
export { formatDatetime, formatTimespan } from './values.ts';
export { parseTimespan } from './timespan.ts';

/** Runs `query` over the tables of `source`; throws `KqlError` for anything it cannot answer exactly. */
export function runKql(query: string, source: KqlSource, options: KqlOptions): KqlResult {
  let range: { start: number; end: number } | undefined;
  if (options.timespan !== undefined && options.timespan !== '') {
    range = parseTimespan(options.timespan, options.now);
    if (!range) {
      throw new KqlError(`The timespan '${options.timespan}' is not an ISO 8601 duration or interval (for example PT1H, or start/end).`, 'SemanticError', 0, 0, options.timespan);
    }
  }
  const parsed = parseQuery(query);
  const frame = evaluateQuery(parsed, source, options.now, range);
  const columns = frame.columns.map((c) => ({ name: c.name, type: c.type }));
  const data = frame.columns.map((c) => c.data());
  const length = Math.min(frame.length, options.maxRows ?? Infinity);
  const rows: unknown[][] = new Array(length);
  for (let row = 0; row < length; row++) {
    const cells = new Array(columns.length);
    for (let c = 0; c < columns.length; c++) cells[c] = toWire(columns[c].type, data[c][row]);
    rows[row] = cells;
  }
  const result: KqlResult = { tables: [{ name: 'PrimaryResult', columns, rows }] };
  if (length < frame.length) result.truncated = { rowCount: frame.length };
  return result;
}

function evaluateQuery(query: Query, source: KqlSource, now: number, range: { start: number; end: number } | undefined): Frame {
  const scalars: Scope['scalars'] = new Map();
  const tabular = new Map<string, TabularExpr>();

  const tableFrame = (table: KqlTable): Frame => {
    const frame = frameFromTable(table);
    if (!range || !table.timeColumn) return frame;
    const time = frame.columns.find((c) => c.name === table.timeColumn)?.data();
    if (!time) return frame;
    const keep = new Int32Array(frame.length);
    let kept = 0;
    for (let row = 0; row < frame.length; row++) {
      const t = time[row] as number;
      if (t >= range.start && t <= range.end) keep[kept++] = row;
    }
    return kept === frame.length ? frame : gatherFrame(frame, keep.subarray(0, kept));
  };

  const run = (expr: TabularExpr, seen: Set<string>): Frame => {
    const name = expr.source.name;
    let frame: Frame;
    const bound = tabular.get(name);
    if (bound && !seen.has(name)) frame = run(bound, new Set([...seen, name]));
    else {
      const table = source.table(name);
      if (!table) {
        throw semanticError(expr.source.pos, `'${name}' does not refer to any known table, tabular variable or function`);
      }
      frame = tableFrame(table);
    }
    for (const op of expr.operators) frame = applyOperator(frame, op, scalars, now);
    return frame;
  };

  for (const statement of query.lets) {
    const value = statement.value;
    if (isTabular(value)) {
      tabular.set(statement.name, value);
      continue;
    }
    if (value.kind === 'name' && (tabular.has(value.name) || source.table(value.name))) {
      tabular.set(statement.name, { source: { name: value.name, pos: value.pos }, operators: [] });
      continue;
    }
    const compiled = compileExpr(value, { frame: { columns: [], length: 0 }, scalars, now });
    if (!compiled.constant) throw semanticError(statement.pos, `The value of '${statement.name}' must not depend on a table's rows`);
    scalars.set(statement.name, { type: compiled.type as KqlType, value: compiled.constant.value });
  }
  return run(query.body, new Set());
}

/**
 * The aggregation functions of `summarize`, each run as one tight loop over the rows with the
 * group index of every row already computed.
 */
import type { Expr } from './ast.ts';
import { compileExpr, isNumeric, semanticError, type Compiled, type Scope } from './scalar.ts';
import type { KqlType } from './types.ts';
import { dynamicToString, toNumber } from './values.ts';

export interface Aggregate {
  type: KqlType;
  /** One value per group. */
  run(groupOf: Int32Array, groupCount: number, rowCount: number): unknown[];
}

type Call = Expr & { kind: 'call' };

function argCount(call: Call, min: number, max: number): void {
  if (call.args.length < min || call.args.length > max) {
    const wanted = min === max ? `${min}` : `${min} or ${max}`;
    throw semanticError(call.pos, `The aggregate function '${call.name}' expects ${wanted} argument${max === 1 ? '' : 's'}, not ${call.args.length}`);
  }
}

function predicate(call: Call, expr: Expr, scope: Scope): (row: number) => boolean {
  const compiled = compileExpr(expr, scope);
  if (compiled.type !== 'bool') throw semanticError(expr.pos, `The predicate of '${call.name}' must be a bool, not ${compiled.type}`);
  const read = compiled.fn;
  return (row) => read(row) === true;
}

function summable(call: Call, value: Compiled): KqlType {
  if (value.type === 'int' || value.type === 'long') return 'long';
  if (value.type === 'real' || value.type === 'timespan') return value.type;
  throw semanticError(call.pos, `The argument of '${call.name}' must be summable (a number or a timespan), not ${value.type}`);
}

function sumRun(read: (row: number) => unknown, when?: (row: number) => boolean): Aggregate['run'] {
  return (groupOf, groupCount, rowCount) => {
    const sums = new Float64Array(groupCount);
    for (let row = 0; row < rowCount; row++) {
      const v = read(row) as number | null;
      if (v !== null && (when === undefined || when(row))) sums[groupOf[row]] += v;
    }
    return Array.from(sums);
  };
}

function countRun(when?: (row: number) => boolean): Aggregate['run'] {
  return (groupOf, groupCount, rowCount) => {
    const counts = new Float64Array(groupCount);
    if (when === undefined) for (let row = 0; row < rowCount; row++) counts[groupOf[row]]++;
    else for (let row = 0; row < rowCount; row++) if (when(row)) counts[groupOf[row]]++;
    return Array.from(counts);
  };
}

/** Compiles `call` (a known aggregate) against the rows of `scope.frame`. */
export function compileAggregate(call: Call, scope: Scope): Aggregate {
  const arg = (i: number) => compileExpr(call.args[i], scope);
  switch (call.name) {
    case 'count':
      argCount(call, 0, 0);
      return { type: 'long', run: countRun() };
    case 'countif':
      argCount(call, 1, 1);
      return { type: 'long', run: countRun(predicate(call, call.args[0], scope)) };
    case 'sum': {
      argCount(call, 1, 1);
      const value = arg(0);
      return { type: summable(call, value), run: sumRun(value.fn) };
    }
    case 'sumif': {
      argCount(call, 2, 2);
      const value = arg(0);
      return { type: summable(call, value), run: sumRun(value.fn, predicate(call, call.args[1], scope)) };
    }
    case 'avg': {
      argCount(call, 1, 1);
      const value = arg(0);
      if (!isNumeric(value.type) && value.type !== 'timespan') throw semanticError(call.pos, `The argument of 'avg' must be a number or a timespan, not ${value.type}`);
      const read = value.fn;
      return {
        type: value.type === 'timespan' ? 'timespan' : 'real',
        run(groupOf, groupCount, rowCount) {
          const sums = new Float64Array(groupCount);
          const counts = new Float64Array(groupCount);
          for (let row = 0; row < rowCount; row++) {
            const v = read(row) as number | null;
            if (v !== null) {
              sums[groupOf[row]] += v;
              counts[groupOf[row]]++;
            }
          }
          return Array.from(sums, (sum, g) => (counts[g] === 0 ? null : sum / counts[g]));
        },
      };
    }
    case 'min':
    case 'max': {
      argCount(call, 1, 1);
      const value = arg(0);
      if (value.type === 'dynamic') throw semanticError(call.pos, `The argument of '${call.name}' must be orderable: a number, timespan, datetime, string or bool`);
      const read = value.fn;
      const isMax = call.name === 'max';
      return {
        type: value.type,
        run(groupOf, groupCount, rowCount) {
          const best: unknown[] = new Array(groupCount).fill(null);
          for (let row = 0; row < rowCount; row++) {
            const v = read(row) as number | null;
            if (v === null) continue;
            const g = groupOf[row];
            const b = best[g] as number | null;
            if (b === null || (isMax ? v > b : v < b)) best[g] = v;
          }
          return best;
        },
      };
    }
    case 'dcount': {
      argCount(call, 1, 2);
      const value = arg(0);
      const read = value.type === 'dynamic' ? (row: number) => dynamicToString(value.fn(row)) : value.fn;
      return {
        type: 'long',
        run(groupOf, groupCount, rowCount) {
          const sets = Array.from({ length: groupCount }, () => new Set<unknown>());
          for (let row = 0; row < rowCount; row++) {
            const v = read(row);
            if (v !== null && v !== '') sets[groupOf[row]].add(v);
          }
          return sets.map((set) => set.size);
        },
      };
    }
    case 'make_list':
    case 'make_set': {
      argCount(call, 1, 2);
      const value = arg(0);
      const limit = call.args.length > 1 ? arg(1) : undefined;
      if (limit && (!limit.constant || !isNumeric(limit.type))) throw semanticError(call.args[1].pos, `The size limit of '${call.name}' must be a constant number`);
      const max = limit ? Number(limit.constant!.value) : 1_048_576;
      const read = value.fn;
      const distinct = call.name === 'make_set';
      return {
        type: 'dynamic',
        run(groupOf, groupCount, rowCount) {
          const lists = Array.from({ length: groupCount }, () => [] as unknown[]);
          const seen = distinct ? Array.from({ length: groupCount }, () => new Set<unknown>()) : [];
          for (let row = 0; row < rowCount; row++) {
            const v = read(row);
            const g = groupOf[row];
            const list = lists[g];
            if (v === null || list.length >= max) continue;
            if (distinct) {
              const key = typeof v === 'object' ? JSON.stringify(v) : v;
              if (seen[g].has(key)) continue;
              seen[g].add(key);
            }
            list.push(v);
          }
          return lists;
        },
      };
    }
    case 'percentile': {
      argCount(call, 2, 2);
      const value = arg(0);
      const p = arg(1);
      if (!p.constant || !isNumeric(p.type)) throw semanticError(call.args[1].pos, "The percentage of 'percentile' must be a constant number");
      const percent = Number(p.constant.value);
      if (percent < 0 || percent > 100) throw semanticError(call.args[1].pos, "The percentage of 'percentile' must be between 0 and 100");
      if (!isNumeric(value.type) && value.type !== 'datetime' && value.type !== 'timespan') {
        throw semanticError(call.pos, `The argument of 'percentile' must be a number, datetime or timespan, not ${value.type}`);
      }
      const read = value.type === 'dynamic' ? (row: number) => toNumber(value.fn(row)) : value.fn;
      return {
        type: value.type === 'int' ? 'long' : value.type,
        run(groupOf, groupCount, rowCount) {
          const lists = Array.from({ length: groupCount }, () => [] as number[]);
          for (let row = 0; row < rowCount; row++) {
            const v = read(row) as number | null;
            if (v !== null) lists[groupOf[row]].push(v);
          }
          // Nearest-rank percentile: the smallest value with at least p% of the values at or below it.
          return lists.map((list) => {
            if (list.length === 0) return null;
            list.sort((a, b) => a - b);
            const rank = Math.max(1, Math.ceil((percent / 100) * list.length));
            return list[rank - 1];
          });
        },
      };
    }
    default:
      throw semanticError(call.pos, `'${call.name}' is not an aggregate function`);
  }
}

/** The column name Kusto gives an aggregate written without `name =`. */
export function aggregateDefaultName(call: Call, argName: string | undefined): string {
  const base = argName ?? '';
  switch (call.name) {
    case 'count':
      return 'count_';
    case 'countif':
      return 'countif_';
    case 'make_list':
      return `list_${base}`;
    case 'make_set':
      return `set_${base}`;
    case 'percentile': {
      const p = call.args[1];
      const text = p && p.kind === 'literal' ? String(p.value).replace('.', '_') : '';
      return `percentile_${base}_${text}`;
    }
    default:
      return `${call.name}_${base}`;
  }
}

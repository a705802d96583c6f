/** The tabular operators: each turns a frame into the next one. */
import type { Assignment, Expr, Operator, SortKey } from './ast.ts';
import { compileAggregate, type Aggregate } from './aggregates.ts';
import { Column, findColumn, gatherFrame, type Frame } from './frame.ts';
import { ColumnNamer, derivedName, uniqueName } from './names.ts';
import { compileExpr, isNumeric, semanticError, type Compiled, type Scope } from './scalar.ts';
import type { KqlType } from './types.ts';
import { dynamicToString } from './values.ts';

type Scalars = Scope['scalars'];

export function applyOperator(frame: Frame, op: Operator, scalars: Scalars, now: number): Frame {
  const scope: Scope = { frame, scalars, now };
  switch (op.kind) {
    case 'where':
      return where(frame, op.predicate, scope);
    case 'extend':
      return extend(frame, op.items, scope);
    case 'project':
      return project(frame, op.items, scope);
    case 'project-away': {
      const drop = new Set<string>();
      for (const ref of op.names) {
        if (!findColumn(frame, ref.name)) throw semanticError(ref.pos, `The name '${ref.name}' does not refer to any known column`);
        drop.add(ref.name);
      }
      return { columns: frame.columns.filter((c) => !drop.has(c.name)), length: frame.length };
    }
    case 'project-rename': {
      let columns = frame.columns;
      for (const rename of op.renames) {
        const column = columns.find((c) => c.name === rename.from.name);
        if (!column) throw semanticError(rename.from.pos, `The name '${rename.from.name}' does not refer to any known column`);
        if (rename.name !== rename.from.name && columns.some((c) => c.name === rename.name)) {
          throw semanticError(rename.namePos, `A column with the name '${rename.name}' is already declared`);
        }
        columns = columns.map((c) => (c === column ? c.renamed(rename.name) : c));
      }
      return { columns, length: frame.length };
    }
    case 'summarize':
      return summarize(frame, op.aggregates, op.by, scope);
    case 'sort':
      return gatherFrame(frame, sortedIndexes(frame, op.keys, scope));
    case 'top': {
      const count = constantCount(op.count, scope);
      const order = sortedIndexes(frame, [op.key], scope);
      return gatherFrame(frame, order.subarray(0, Math.min(count, order.length)));
    }
    case 'take':
      return { columns: frame.columns, length: Math.min(frame.length, constantCount(op.count, scope)) };
    case 'count':
      return { columns: [Column.of('Count', 'long', [frame.length])], length: 1 };
    case 'distinct': {
      const items: Assignment[] = op.items === '*'
        ? frame.columns.map((c) => ({ expr: { kind: 'name', name: c.name, pos: op.pos } satisfies Expr }))
        : op.items;
      return summarize(frame, [], items, scope);
    }
    case 'render':
      return frame;
  }
}

function constantCount(expr: Expr, scope: Scope): number {
  const compiled = compileExpr(expr, scope);
  if (!compiled.constant || (compiled.type !== 'long' && compiled.type !== 'int')) {
    throw semanticError(expr.pos, 'The number of rows must be a constant whole number');
  }
  return Math.max(0, Number(compiled.constant.value));
}

function where(frame: Frame, predicate: Expr, scope: Scope): Frame {
  const test = compileExpr(predicate, scope);
  if (test.type !== 'bool') throw semanticError(predicate.pos, `The where predicate must be a bool, not ${test.type}`);
  const fn = test.fn;
  const n = frame.length;
  const keep = new Int32Array(n);
  let kept = 0;
  for (let row = 0; row < n; row++) if (fn(row) === true) keep[kept++] = row;
  if (kept === n) return frame;
  return gatherFrame(frame, keep.subarray(0, kept));
}

function evaluate(compiled: Compiled, length: number): unknown[] {
  const out = new Array(length);
  const fn = compiled.fn;
  for (let row = 0; row < length; row++) out[row] = fn(row);
  return out;
}

function duplicate(item: Assignment, name: string): Error {
  return semanticError(item.namePos ?? item.expr.pos, `A column with the name '${name}' is already declared`);
}

function extend(frame: Frame, items: Assignment[], scope: Scope): Frame {
  const columns = [...frame.columns];
  const namer = new ColumnNamer(new Set(columns.map((c) => c.name)));
  const declared = new Set<string>();
  for (const item of items) {
    const compiled = compileExpr(item.expr, scope);
    const name = item.name ?? derivedName(item.expr) ?? namer.take();
    if (declared.has(name)) throw duplicate(item, name);
    declared.add(name);
    const column = Column.of(name, compiled.type, evaluate(compiled, frame.length));
    const at = columns.findIndex((c) => c.name === name);
    if (at >= 0) columns[at] = column;
    else columns.push(column);
  }
  return { columns, length: frame.length };
}

function project(frame: Frame, items: Assignment[], scope: Scope): Frame {
  const columns: Column[] = [];
  const taken = new Set<string>();
  const namer = new ColumnNamer(new Set(frame.columns.map((c) => c.name)));
  for (const item of items) {
    const plain = item.expr.kind === 'name' ? findColumn(frame, item.expr.name) : undefined;
    let name: string;
    if (item.name !== undefined || plain) {
      name = item.name ?? plain!.name;
      if (taken.has(name)) throw duplicate(item, name);
    } else {
      name = uniqueName(derivedName(item.expr) ?? namer.take(), taken);
    }
    taken.add(name);
    if (plain) {
      columns.push(plain.name === name ? plain : plain.renamed(name));
      continue;
    }
    const compiled = compileExpr(item.expr, scope);
    columns.push(Column.of(name, compiled.type, evaluate(compiled, frame.length)));
  }
  return { columns, length: frame.length };
}

// ---------- summarize ----------

interface Grouping {
  groupOf: Int32Array;
  groupCount: number;
  /** The first row of each group, to read its key values. */
  firstRow: number[];
}

/** Assigns each row the index of its group, groups numbered in order of first appearance. */
function groupRows(keys: Compiled[], length: number): Grouping {
  const groupOf = new Int32Array(length);
  const firstRow: number[] = [];
  if (keys.length === 0) return { groupOf, groupCount: 1, firstRow: [0] };
  if (keys.length === 1) {
    const read = keys[0].fn;
    const ids = new Map<unknown, number>();
    for (let row = 0; row < length; row++) {
      const value = read(row);
      let id = ids.get(value);
      if (id === undefined) {
        id = firstRow.length;
        ids.set(value, id);
        firstRow.push(row);
      }
      groupOf[row] = id;
    }
    return { groupOf, groupCount: firstRow.length, firstRow };
  }
  // Several keys: a tree of maps, one level per key, whose leaves are group numbers.
  const reads = keys.map((key) => key.fn);
  const last = reads.length - 1;
  const root = new Map<unknown, unknown>();
  for (let row = 0; row < length; row++) {
    let level = root;
    for (let k = 0; k < last; k++) {
      const value = reads[k](row);
      let next = level.get(value) as Map<unknown, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(value, next);
      }
      level = next;
    }
    const value = reads[last](row);
    let id = level.get(value) as number | undefined;
    if (id === undefined) {
      id = firstRow.length;
      level.set(value, id);
      firstRow.push(row);
    }
    groupOf[row] = id;
  }
  return { groupOf, groupCount: firstRow.length, firstRow };
}

function summarize(frame: Frame, aggregateItems: Assignment[], byItems: Assignment[], scope: Scope): Frame {
  const taken = new Set<string>();
  const namer = new ColumnNamer(new Set(frame.columns.map((c) => c.name)));
  const keys = byItems.map((item) => {
    const compiled = compileExpr(item.expr, scope);
    if (compiled.type === 'dynamic') {
      throw semanticError(item.expr.pos, "The value of type 'dynamic' is not allowed in this context: summarize by tostring(...) of it");
    }
    const explicit = item.name !== undefined || item.expr.kind === 'name';
    const base = item.name ?? derivedName(item.expr) ?? namer.take();
    if (explicit && taken.has(base)) throw duplicate(item, base);
    const name = uniqueName(base, taken);
    taken.add(name);
    return { name, compiled };
  });

  // Aggregates are compiled against the input rows; an expression around them (`sum(a) / count()`)
  // is compiled against the groups, reading the aggregate results by group index.
  const aggregates: Aggregate[] = [];
  const results: unknown[][] = [];
  const groupScope: Scope = {
    frame: { columns: [], length: 0 },
    scalars: scope.scalars,
    now: scope.now,
    aggregate: (call) => {
      const aggregate = compileAggregate(call, { ...scope, aggregate: undefined });
      const slot = aggregates.length;
      aggregates.push(aggregate);
      return { type: aggregate.type, fn: (group) => results[slot][group] };
    },
  };
  const outputs = aggregateItems.map((item) => {
    const before = aggregates.length;
    const compiled = compileExpr(item.expr, groupScope);
    if (aggregates.length === before) {
      throw semanticError(item.expr.pos, 'Each summarize expression must use an aggregate function (count(), sum(), ...)');
    }
    const base = item.name ?? derivedName(item.expr) ?? namer.take();
    if (item.name !== undefined && taken.has(base)) throw duplicate(item, base);
    const name = uniqueName(base, taken);
    taken.add(name);
    return { name, compiled };
  });

  const grouping = groupRows(keys.map((k) => k.compiled), frame.length);
  const noRows = frame.length === 0;
  const groupCount = noRows && keys.length > 0 ? 0 : grouping.groupCount;
  for (const aggregate of aggregates) results.push(aggregate.run(grouping.groupOf, groupCount, frame.length));

  const columns: Column[] = keys.map(({ name, compiled }) => {
    const fn = compiled.fn;
    return Column.of(name, compiled.type, grouping.firstRow.slice(0, groupCount).map((row) => fn(row)));
  });
  for (const { name, compiled } of outputs) columns.push(Column.of(name, compiled.type, evaluate(compiled, groupCount)));
  return { columns, length: groupCount };
}

// ---------- order ----------

function compareValues(type: KqlType): (a: unknown, b: unknown) => number {
  if (isNumeric(type) || type === 'datetime' || type === 'timespan') return (a, b) => (a as number) - (b as number);
  if (type === 'bool') return (a, b) => Number(a) - Number(b);
  if (type === 'dynamic') return (a, b) => {
    const x = dynamicToString(a);
    const y = dynamicToString(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
  return (a, b) => ((a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0);
}

function sortedIndexes(frame: Frame, keys: SortKey[], scope: Scope): Int32Array {
  const prepared = keys.map((key) => {
    const compiled = compileExpr(key.expr, scope);
    return { values: evaluate(compiled, frame.length), compare: compareValues(compiled.type), key };
  });
  const order = new Int32Array(frame.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((ra, rb) => {
    for (const { values, compare, key } of prepared) {
      const a = values[ra];
      const b = values[rb];
      const aNull = a === null || a === undefined || (typeof a === 'number' && Number.isNaN(a));
      const bNull = b === null || b === undefined || (typeof b === 'number' && Number.isNaN(b));
      if (aNull || bNull) {
        if (aNull && bNull) continue;
        return aNull === key.nullsFirst ? -1 : 1;
      }
      const c = compare(a, b);
      if (c !== 0) return key.descending ? -c : c;
    }
    return ra - rb;
  });
  return order;
}

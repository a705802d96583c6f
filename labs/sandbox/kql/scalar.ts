/**
 * Compiles scalar KQL expressions into typed closures `(row) => value` over a frame's columns,
 * checking names and types as Kusto does, so a query fails before any row is read.
 */
import type { Expr, Pos } from './ast.ts';
import { findColumn, type Frame } from './frame.ts';
import { KqlError, type KqlType } from './types.ts';
import { dynamicToString, toDatetime, toNumber, valueToString } from './values.ts';

export type RowFn = (row: number) => unknown;

export interface Compiled {
  type: KqlType;
  fn: RowFn;
  /** Set when the value does not depend on the row. */
  constant?: { value: unknown };
}

export interface Scope {
  frame: Frame;
  /** `let` names bound to scalar values. */
  scalars: Map<string, { type: KqlType; value: unknown }>;
  now: number;
  /** Compiles an aggregate call; only set inside `summarize`. */
  aggregate?: (call: Expr & { kind: 'call' }) => Compiled;
}

export function semanticError(pos: Pos, message: string): KqlError {
  return new KqlError(`${message} (line ${pos.line}, column ${pos.column})`, 'SemanticError', pos.line, pos.column, pos.text);
}

export function unsupportedError(pos: Pos, what: string): KqlError {
  return new KqlError(
    `The sandbox's KQL engine does not support ${what} (line ${pos.line}, column ${pos.column}). ` +
      'Rewrite the query with the operators and functions the course uses, or run it against Azure.',
    'SemanticError', pos.line, pos.column, pos.text,
  );
}

export const AGGREGATES = new Set(['count', 'countif', 'sum', 'sumif', 'avg', 'min', 'max', 'dcount', 'make_list', 'make_set', 'percentile']);
const UNSUPPORTED_AGGREGATES = new Set(['arg_max', 'arg_min', 'percentiles', 'stdev', 'variance', 'any', 'take_any', 'count_distinct', 'dcountif', 'avgif', 'maxif', 'minif', 'make_bag', 'make_list_if', 'make_set_if', 'hll', 'tdigest', 'binary_all_or', 'variance']);

const NUMERIC = new Set<KqlType>(['int', 'long', 'real']);
export const isNumeric = (type: KqlType): boolean => NUMERIC.has(type);

function constant(type: KqlType, value: unknown): Compiled {
  return { type, fn: () => value, constant: { value } };
}

/** Replaces a row function by its value when all its inputs are constant. */
function fold(type: KqlType, fn: RowFn, parts: Compiled[]): Compiled {
  if (parts.every((part) => part.constant)) return constant(type, fn(0));
  return { type, fn };
}

export function compileExpr(expr: Expr, scope: Scope): Compiled {
  switch (expr.kind) {
    case 'literal':
      return constant(expr.type, expr.value);
    case 'name':
      return compileName(expr.name, expr.pos, scope);
    case 'member':
    case 'index':
      return compileAccess(expr, scope);
    case 'unary':
      return compileUnary(expr, scope);
    case 'binary':
      return compileBinary(expr, scope);
    case 'in':
      return compileIn(expr, scope);
    case 'between':
      return compileBetween(expr, scope);
    case 'call':
      if (AGGREGATES.has(expr.name)) {
        if (!scope.aggregate) throw semanticError(expr.pos, `The aggregate function '${expr.name}' can only be used in summarize`);
        return scope.aggregate(expr);
      }
      if (UNSUPPORTED_AGGREGATES.has(expr.name)) throw unsupportedError(expr.pos, `the aggregate function '${expr.name}()'`);
      return compileCall(expr, scope);
  }
}

function compileName(name: string, pos: Pos, scope: Scope): Compiled {
  const column = findColumn(scope.frame, name);
  if (column) {
    if (column.constant) {
      const value = column.constant.value;
      return { type: column.type, fn: () => value };
    }
    const data = column.data();
    return { type: column.type, fn: (row) => data[row] ?? null };
  }
  const bound = scope.scalars.get(name);
  if (bound) return constant(bound.type, bound.value);
  throw semanticError(pos, `The name '${name}' does not refer to any known column, table, variable or function`);
}

function compileAccess(expr: Expr & { kind: 'member' | 'index' }, scope: Scope): Compiled {
  const target = compileExpr(expr.target, scope);
  if (target.type !== 'dynamic') {
    throw semanticError(expr.pos, `Only a dynamic value can be indexed with '${expr.kind === 'member' ? '.' : '[]'}' (this one is ${target.type})`);
  }
  const read = target.fn;
  if (expr.kind === 'member') {
    const key = expr.member;
    return fold('dynamic', (row) => {
      const value = read(row) as Record<string, unknown> | null;
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? value[key] ?? null : null;
    }, [target]);
  }
  const index = compileExpr(expr.index, scope);
  if (index.constant && typeof index.constant.value === 'string' && !target.constant) {
    // The common `customDimensions["User ID"]`: one property read per row.
    const name = index.constant.value;
    return {
      type: 'dynamic',
      fn: (row) => {
        const value = read(row) as Record<string, unknown> | null;
        return value !== null && typeof value === 'object' && !Array.isArray(value) ? value[name] ?? null : null;
      },
    };
  }
  const key = index.fn;
  if (index.type !== 'string' && index.type !== 'long' && index.type !== 'int' && index.type !== 'dynamic') {
    throw semanticError(expr.index.pos, `A dynamic value is indexed with a string or a whole number, not a ${index.type}`);
  }
  return fold('dynamic', (row) => {
    const value = read(row);
    if (value === null || typeof value !== 'object') return null;
    const k = key(row);
    if (Array.isArray(value)) {
      if (typeof k !== 'number') return null;
      return value[k < 0 ? value.length + k : k] ?? null;
    }
    return typeof k === 'string' ? (value as Record<string, unknown>)[k] ?? null : null;
  }, [target, index]);
}

function compileUnary(expr: Expr & { kind: 'unary' }, scope: Scope): Compiled {
  const operand = compileExpr(expr.operand, scope);
  if (!isNumeric(operand.type) && operand.type !== 'timespan') {
    throw semanticError(expr.pos, `The operator '${expr.op}' is not defined for a ${operand.type} value`);
  }
  const type = operand.type === 'int' ? 'long' : operand.type;
  const read = operand.fn;
  if (expr.op === '+') return fold(type, read, [operand]);
  return fold(type, (row) => {
    const v = read(row) as number | null;
    return v === null ? null : -v;
  }, [operand]);
}

/** The result type of an arithmetic operator, or undefined when Kusto rejects the operands. */
function arithmeticType(op: string, left: KqlType, right: KqlType): KqlType | undefined {
  const num = (t: KqlType) => isNumeric(t) || t === 'dynamic';
  if (left === 'dynamic' && right === 'dynamic') return undefined;
  if (num(left) && num(right)) {
    if (left === 'real' || right === 'real') return 'real';
    return 'long';
  }
  if (op === '-' && left === 'datetime' && right === 'datetime') return 'timespan';
  if ((op === '+' || op === '-') && left === 'datetime' && right === 'timespan') return 'datetime';
  if (op === '+' && left === 'timespan' && right === 'datetime') return 'datetime';
  if ((op === '+' || op === '-') && left === 'timespan' && right === 'timespan') return 'timespan';
  if (op === '/' && left === 'timespan' && right === 'timespan') return 'real';
  if ((op === '*' || op === '/' || op === '%') && left === 'timespan' && isNumeric(right)) return 'timespan';
  if (op === '*' && isNumeric(left) && right === 'timespan') return 'timespan';
  return undefined;
}

function numberReader(compiled: Compiled): (row: number) => number | null {
  const read = compiled.fn;
  if (compiled.type === 'dynamic') return (row) => toNumber(read(row));
  return read as (row: number) => number | null;
}

function compileBinary(expr: Expr & { kind: 'binary' }, scope: Scope): Compiled {
  const { op } = expr;
  const left = compileExpr(expr.left, scope);
  const right = compileExpr(expr.right, scope);
  if (op === 'and' || op === 'or') {
    for (const side of [left, right]) {
      if (side.type !== 'bool') throw semanticError(expr.pos, `'${op}' needs bool operands, not ${side.type}`);
    }
    const a = left.fn;
    const b = right.fn;
    return fold('bool', op === 'and' ? (row) => a(row) === true && b(row) === true : (row) => a(row) === true || b(row) === true, [left, right]);
  }
  if (['+', '-', '*', '/', '%'].includes(op)) return compileArithmetic(expr, op, left, right);
  if (['==', '!=', '<', '<=', '>', '>='].includes(op)) return compileComparison(expr, op, left, right);
  return compileStringOperator(expr, op, left, right);
}

function compileArithmetic(expr: Expr, op: string, left: Compiled, right: Compiled): Compiled {
  const type = arithmeticType(op, left.type, right.type);
  if (!type) throw semanticError(expr.pos, `The operator '${op}' is not defined for the operand types ${left.type} and ${right.type}`);
  const a = numberReader(left);
  const b = numberReader(right);
  const integer = type === 'long';
  let fn: RowFn;
  switch (op) {
    case '+':
      fn = (row) => {
        const x = a(row);
        const y = b(row);
        return x === null || y === null ? null : x + y;
      };
      break;
    case '-':
      fn = (row) => {
        const x = a(row);
        const y = b(row);
        return x === null || y === null ? null : x - y;
      };
      break;
    case '*':
      fn = (row) => {
        const x = a(row);
        const y = b(row);
        return x === null || y === null ? null : x * y;
      };
      break;
    case '/':
      fn = (row) => {
        const x = a(row);
        const y = b(row);
        if (x === null || y === null) return null;
        if (integer) return y === 0 ? null : Math.trunc(x / y);
        return x / y;
      };
      break;
    default:
      fn = (row) => {
        const x = a(row);
        const y = b(row);
        if (x === null || y === null) return null;
        if (integer && y === 0) return null;
        return x % y;
      };
  }
  return fold(type, fn, [left, right]);
}

/** A reader that turns each side into comparable JS values of one kind. */
function comparableReaders(expr: Expr, op: string, left: Compiled, right: Compiled): [RowFn, RowFn, 'number' | 'string' | 'bool' | 'dynamic'] {
  const l = left.type;
  const r = right.type;
  const fail = () => semanticError(expr.pos, `The operator '${op}' is not defined for the operand types ${l} and ${r}`);
  const numericLike = (t: KqlType) => isNumeric(t);
  if (numericLike(l) && numericLike(r)) return [left.fn, right.fn, 'number'];
  if (l === r && (l === 'datetime' || l === 'timespan')) return [left.fn, right.fn, 'number'];
  if (l === 'string' && r === 'string') {
    if (op !== '==' && op !== '!=') throw fail();
    return [left.fn, right.fn, 'string'];
  }
  if (l === 'bool' && r === 'bool') {
    if (op !== '==' && op !== '!=') throw fail();
    return [left.fn, right.fn, 'bool'];
  }
  if (l === 'dynamic' || r === 'dynamic') {
    const other = l === 'dynamic' ? r : l;
    const otherFn = l === 'dynamic' ? right.fn : left.fn;
    const dynFn = l === 'dynamic' ? left.fn : right.fn;
    let convert: RowFn;
    let kind: 'number' | 'string' | 'bool' | 'dynamic';
    if (isNumeric(other)) {
      convert = (row) => toNumber(dynFn(row));
      kind = 'number';
    } else if (other === 'string') {
      if (op !== '==' && op !== '!=') throw fail();
      convert = (row) => {
        const v = dynFn(row);
        return v === null || v === undefined ? null : dynamicToString(v);
      };
      kind = 'string';
    } else if (other === 'bool') {
      if (op !== '==' && op !== '!=') throw fail();
      convert = (row) => {
        const v = dynFn(row);
        return typeof v === 'boolean' ? v : null;
      };
      kind = 'bool';
    } else if (other === 'dynamic') {
      if (op !== '==' && op !== '!=') throw fail();
      convert = (row) => JSON.stringify(dynFn(row) ?? null);
      return [convert, (row) => JSON.stringify(otherFn(row) ?? null), 'dynamic'];
    } else throw fail();
    return l === 'dynamic' ? [convert, otherFn, kind] : [otherFn, convert, kind];
  }
  throw fail();
}

function compileComparison(expr: Expr, op: string, left: Compiled, right: Compiled): Compiled {
  const [a, b] = comparableReaders(expr, op, left, right);
  if (right.constant && !left.constant && right.type === left.type) {
    // The common `column == "literal"` / `timestamp > ago(1h)`: one read per row.
    const y = right.constant.value as number | string | boolean | null;
    if (y === null) return constant('bool', false);
    switch (op) {
      case '==':
        return { type: 'bool', fn: (row) => a(row) === y };
      case '!=':
        return { type: 'bool', fn: (row) => { const x = a(row); return x !== null && x !== y; } };
      case '<':
        return { type: 'bool', fn: (row) => { const x = a(row); return x !== null && (x as number) < (y as number); } };
      case '<=':
        return { type: 'bool', fn: (row) => { const x = a(row); return x !== null && (x as number) <= (y as number); } };
      case '>':
        return { type: 'bool', fn: (row) => { const x = a(row); return x !== null && (x as number) > (y as number); } };
      default:
        return { type: 'bool', fn: (row) => { const x = a(row); return x !== null && (x as number) >= (y as number); } };
    }
  }
  let fn: RowFn;
  switch (op) {
    case '==':
      fn = (row) => {
        const x = a(row);
        return x !== null && x === b(row);
      };
      break;
    case '!=':
      fn = (row) => {
        const x = a(row);
        const y = b(row);
        return x !== null && y !== null && x !== y;
      };
      break;
    case '<':
      fn = (row) => {
        const x = a(row) as number | null;
        const y = b(row) as number | null;
        return x !== null && y !== null && x < y;
      };
      break;
    case '<=':
      fn = (row) => {
        const x = a(row) as number | null;
        const y = b(row) as number | null;
        return x !== null && y !== null && x <= y;
      };
      break;
    case '>':
      fn = (row) => {
        const x = a(row) as number | null;
        const y = b(row) as number | null;
        return x !== null && y !== null && x > y;
      };
      break;
    default:
      fn = (row) => {
        const x = a(row) as number | null;
        const y = b(row) as number | null;
        return x !== null && y !== null && x >= y;
      };
  }
  return fold('bool', fn, [left, right]);
}

/** Reads a string or dynamic operand as text (other types are refused). */
function textReader(expr: Expr, op: string, side: Compiled): (row: number) => string {
  const read = side.fn;
  if (side.type === 'string') return read as (row: number) => string;
  if (side.type === 'dynamic') return (row) => dynamicToString(read(row));
  throw semanticError(expr.pos, `The operator '${op}' needs string operands, not ${side.type}`);
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;

/** `has`: the needle occurs as a whole term (bounded by non-alphanumeric characters). */
export function hasTerm(haystack: string, needle: string): boolean {
  if (needle.length === 0) return true;
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) return false;
    const before = at === 0 || !isWordChar(haystack.charCodeAt(at - 1)) || !isWordChar(needle.charCodeAt(0));
    const end = at + needle.length;
    const after = end === haystack.length || !isWordChar(haystack.charCodeAt(end)) || !isWordChar(needle.charCodeAt(needle.length - 1));
    if (before && after) return true;
    from = at + 1;
  }
}

function compileStringOperator(expr: Expr, op: string, left: Compiled, right: Compiled): Compiled {
  const negate = op.startsWith('!') && op !== '!~';
  const base = negate ? op.slice(1) : op;
  const caseSensitive = base.endsWith('_cs');
  const name = caseSensitive ? base.slice(0, -3) : base;
  const a = textReader(expr, op, left);
  const b = textReader(expr, op, right);
  const norm = caseSensitive ? (s: string) => s : (s: string) => s.toLowerCase();
  let test: (x: string, y: string) => boolean;
  switch (name) {
    case '=~':
      test = (x, y) => x === y;
      break;
    case '!~':
      test = (x, y) => x !== y;
      break;
    case 'has':
      test = hasTerm;
      break;
    case 'contains':
      test = (x, y) => x.includes(y);
      break;
    case 'startswith':
      test = (x, y) => x.startsWith(y);
      break;
    case 'endswith':
      test = (x, y) => x.endsWith(y);
      break;
    default:
      throw unsupportedError(expr.pos, `the '${op}' operator`);
  }
  if (right.constant) {
    const y = norm(b(0));
    return fold('bool', (row) => test(norm(a(row)), y) !== negate, [left, right]);
  }
  return fold('bool', (row) => test(norm(a(row)), norm(b(row))) !== negate, [left, right]);
}

function compileIn(expr: Expr & { kind: 'in' }, scope: Scope): Compiled {
  const left = compileExpr(expr.left, scope);
  const items = expr.list.map((item) => {
    const compiled = compileExpr(item, scope);
    if (!compiled.constant) throw unsupportedError(item.pos, "'in' with values that are not constants");
    return compiled;
  });
  const read = left.fn;
  let key: RowFn;
  let values: unknown[];
  if (isNumeric(left.type) || (left.type === 'dynamic' && items.every((i) => isNumeric(i.type)))) {
    if (!items.every((i) => isNumeric(i.type) || i.type === 'dynamic')) throw semanticError(expr.pos, `'in' compares a ${left.type} value with values of another type`);
    key = left.type === 'dynamic' ? (row) => toNumber(read(row)) : read;
    values = items.map((i) => (i.type === 'dynamic' ? toNumber(i.constant!.value) : i.constant!.value));
  } else if (left.type === 'string' || left.type === 'dynamic') {
    if (!items.every((i) => i.type === 'string' || i.type === 'dynamic')) throw semanticError(expr.pos, `'in' compares a ${left.type} value with values of another type`);
    const text = left.type === 'dynamic' ? (row: number) => dynamicToString(read(row)) : read;
    key = expr.caseInsensitive ? (row) => (text(row) as string).toLowerCase() : text;
    values = items.map((i) => {
      const v = i.type === 'dynamic' ? dynamicToString(i.constant!.value) : (i.constant!.value as string);
      return expr.caseInsensitive ? v.toLowerCase() : v;
    });
  } else if (left.type === 'datetime' || left.type === 'timespan' || left.type === 'bool') {
    if (!items.every((i) => i.type === left.type)) throw semanticError(expr.pos, `'in' compares a ${left.type} value with values of another type`);
    key = read;
    values = items.map((i) => i.constant!.value);
  } else throw semanticError(expr.pos, `'in' is not defined for a ${left.type} value`);
  const set = new Set(values.filter((v) => v !== null));
  const negate = expr.negate;
  return fold('bool', (row) => {
    const k = key(row);
    return k !== null && set.has(k) !== negate;
  }, [left]);
}

function compileBetween(expr: Expr & { kind: 'between' }, scope: Scope): Compiled {
  const left = compileExpr(expr.left, scope);
  const low = compileExpr(expr.low, scope);
  const high = compileExpr(expr.high, scope);
  const orderable = (t: KqlType) => isNumeric(t) || t === 'datetime' || t === 'timespan' || t === 'dynamic';
  const family = (t: KqlType) => (isNumeric(t) || t === 'dynamic' ? 'number' : t);
  if (!orderable(left.type) || family(low.type) !== family(left.type === 'dynamic' ? low.type : left.type) || family(low.type) !== family(high.type)) {
    throw semanticError(expr.pos, `'between' is not defined for ${left.type} with bounds ${low.type} .. ${high.type}`);
  }
  const a = numberReader(left);
  const lo = numberReader(low);
  const hi = numberReader(high);
  const negate = expr.negate;
  return fold('bool', (row) => {
    const x = a(row);
    const l = lo(row);
    const h = hi(row);
    if (x === null || l === null || h === null) return false;
    return (x >= l && x <= h) !== negate;
  }, [left, low, high]);
}

// ---------- functions ----------

function expectArgs(call: Expr & { kind: 'call' }, min: number, max: number): void {
  const n = call.args.length;
  if (n < min || n > max) {
    const wanted = min === max ? `${min}` : `${min} to ${max}`;
    throw semanticError(call.pos, `The function '${call.name}' expects ${wanted} argument${max === 1 ? '' : 's'}, not ${n}`);
  }
}

function commonType(a: KqlType, b: KqlType): KqlType {
  if (a === b) return a === 'int' ? 'int' : a;
  if (isNumeric(a) && isNumeric(b)) return a === 'real' || b === 'real' ? 'real' : 'long';
  return 'dynamic';
}

function compileCall(call: Expr & { kind: 'call' }, scope: Scope): Compiled {
  const arg = (i: number) => compileExpr(call.args[i], scope);
  const name = call.name;
  switch (name) {
    case 'ago': {
      expectArgs(call, 1, 1);
      const span = arg(0);
      if (span.type !== 'timespan') throw semanticError(call.pos, `ago() expects a timespan, not ${span.type}`);
      const now = scope.now;
      const read = span.fn as (row: number) => number | null;
      return fold('datetime', (row) => {
        const v = read(row);
        return v === null ? null : now - v;
      }, [span]);
    }
    case 'now': {
      expectArgs(call, 0, 1);
      if (call.args.length === 0) return constant('datetime', scope.now);
      const offset = arg(0);
      if (offset.type !== 'timespan' || !offset.constant) throw semanticError(call.pos, 'now() takes a constant timespan offset');
      return constant('datetime', scope.now + (offset.constant.value as number));
    }
    case 'bin':
    case 'floor':
      return compileBin(call, arg(0), arg(1));
    case 'todatetime': {
      expectArgs(call, 1, 1);
      const value = arg(0);
      const read = value.fn;
      if (value.type === 'datetime') return value;
      if (value.type !== 'string' && value.type !== 'dynamic') throw semanticError(call.pos, `todatetime() does not convert a ${value.type}`);
      return fold('datetime', (row) => toDatetime(read(row)), [value]);
    }
    case 'tostring': {
      expectArgs(call, 1, 1);
      const value = arg(0);
      const read = value.fn;
      const type = value.type;
      if (type === 'string') return value;
      if (type === 'dynamic') return fold('string', (row) => dynamicToString(read(row)), [value]);
      return fold('string', (row) => valueToString(type, read(row)), [value]);
    }
    case 'toint':
    case 'tolong':
    case 'todouble':
    case 'toreal': {
      expectArgs(call, 1, 1);
      const value = arg(0);
      const type: KqlType = name === 'toint' ? 'int' : name === 'tolong' ? 'long' : 'real';
      const read = value.fn;
      const integer = type !== 'real';
      if (value.type === 'datetime' || value.type === 'timespan') {
        throw unsupportedError(call.pos, `${name}() of a ${value.type}`);
      }
      return fold(type, (row) => {
        const n = toNumber(read(row));
        if (n === null) return null;
        return integer ? Math.trunc(n) : n;
      }, [value]);
    }
    case 'parse_json':
    case 'todynamic': {
      expectArgs(call, 1, 1);
      const value = arg(0);
      const read = value.fn;
      if (value.type === 'dynamic') return value;
      if (value.type !== 'string') return fold('dynamic', read, [value]);
      return fold('dynamic', (row) => {
        const text = read(row) as string;
        try {
          return JSON.parse(text);
        } catch {
          return text === '' ? null : text;
        }
      }, [value]);
    }
    case 'iff':
    case 'iif': {
      expectArgs(call, 3, 3);
      const test = arg(0);
      if (test.type !== 'bool') throw semanticError(call.args[0].pos, `The first argument of ${name}() must be a bool, not ${test.type}`);
      const yes = arg(1);
      const no = arg(2);
      const t = test.fn;
      const y = yes.fn;
      const n = no.fn;
      return fold(commonType(yes.type, no.type), (row) => (t(row) === true ? y(row) : n(row)), [test, yes, no]);
    }
    case 'isempty':
    case 'isnotempty': {
      expectArgs(call, 1, 1);
      const value = arg(0);
      const read = value.fn;
      const empty = (v: unknown) => v === null || v === undefined || v === '';
      return fold('bool', name === 'isempty' ? (row) => empty(read(row)) : (row) => !empty(read(row)), [value]);
    }
    case 'isnull':
    case 'isnotnull': {
      expectArgs(call, 1, 1);
      const value = arg(0);
      const read = value.fn;
      return fold('bool', name === 'isnull' ? (row) => read(row) === null : (row) => read(row) !== null, [value]);
    }
    case 'strcat': {
      expectArgs(call, 1, 64);
      const parts = call.args.map((_, i) => arg(i));
      const readers = parts.map((part) => {
        const read = part.fn;
        const type = part.type;
        return type === 'string' ? (read as (row: number) => string) : (row: number) => valueToString(type, read(row));
      });
      return fold('string', (row) => {
        let out = '';
        for (const read of readers) out += read(row);
        return out;
      }, parts);
    }
    case 'round': {
      expectArgs(call, 1, 2);
      const value = arg(0);
      if (!isNumeric(value.type)) throw semanticError(call.pos, `round() expects a number, not ${value.type}`);
      const digits = call.args.length > 1 ? arg(1) : constant('long', 0);
      if (!isNumeric(digits.type)) throw semanticError(call.pos, 'round() expects a whole number of digits');
      const read = value.fn as (row: number) => number | null;
      const d = digits.fn as (row: number) => number | null;
      return fold(value.type, (row) => {
        const v = read(row);
        const p = d(row) ?? 0;
        if (v === null) return null;
        const factor = 10 ** p;
        return (Math.sign(v) * Math.round(Math.abs(v) * factor)) / factor;
      }, [value, digits]);
    }
    case 'not': {
      expectArgs(call, 1, 1);
      const value = arg(0);
      if (value.type !== 'bool') throw semanticError(call.pos, `not() expects a bool, not ${value.type}`);
      const read = value.fn;
      return fold('bool', (row) => read(row) !== true, [value]);
    }
    case 'tolower':
    case 'toupper': {
      expectArgs(call, 1, 1);
      const value = arg(0);
      const text = textReader(call, name, value);
      return fold('string', name === 'tolower' ? (row) => text(row).toLowerCase() : (row) => text(row).toUpperCase(), [value]);
    }
    case 'strlen': {
      expectArgs(call, 1, 1);
      const value = arg(0);
      const text = textReader(call, name, value);
      return fold('long', (row) => text(row).length, [value]);
    }
    default:
      throw unsupportedError(call.pos, `the function '${name}()' (or it does not exist in KQL)`);
  }
}

function compileBin(call: Expr & { kind: 'call' }, value: Compiled, size: Compiled): Compiled {
  expectArgs(call, 2, 2);
  let type: KqlType | undefined;
  if (value.type === 'datetime' && size.type === 'timespan') type = 'datetime';
  else if (value.type === 'timespan' && size.type === 'timespan') type = 'timespan';
  else if (isNumeric(value.type) && isNumeric(size.type)) {
    if (value.type === 'real' || size.type === 'real') type = 'real';
    else type = value.type === 'int' && size.type === 'int' ? 'int' : 'long';
  }
  if (!type) throw semanticError(call.pos, `${call.name}() is not defined for (${value.type}, ${size.type})`);
  const read = value.fn as (row: number) => number | null;
  if (size.constant) {
    const s = size.constant.value as number;
    if (!(s > 0)) throw semanticError(call.args[1].pos, `The bin size of ${call.name}() must be positive`);
    return fold(type, (row) => {
      const v = read(row);
      return v === null ? null : Math.floor(v / s) * s;
    }, [value]);
  }
  const sz = size.fn as (row: number) => number | null;
  return fold(type, (row) => {
    const v = read(row);
    const s = sz(row);
    return v === null || s === null || s <= 0 ? null : Math.floor(v / s) * s;
  }, [value, size]);
}

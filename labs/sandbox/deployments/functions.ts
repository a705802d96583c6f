/**
 * The ARM template functions the sandbox evaluates, and the names of every function Azure
 * Resource Manager knows (so a misspelt name and a real-but-unsupported one get different,
 * accurate errors). Isomorphic: no Node modules.
 */
import { deterministicGuid, uniqueString } from './hash.ts';
import { TemplateExpressionError } from './expression.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** What functions may ask of the deployment they run in. */
export interface FunctionContext {
  parameter(name: string): JsonValue;
  variable(name: string): Promise<JsonValue>;
  copyIndex(loopName: string | undefined): number;
  subscription(): JsonValue;
  resourceGroup(): JsonValue;
  deployment(): JsonValue;
  /** GET of a resource: its properties, or the whole resource when `full`. */
  reference(resourceIdOrName: string, apiVersion: string | undefined, full: boolean): Promise<JsonValue>;
  /** POST `{resourceId}/{action}` (listKeys, listSecrets, ...). */
  list(action: string, resourceId: string, apiVersion: string, body: JsonValue | undefined): Promise<JsonValue>;
  subscriptionId(): string;
  resourceGroupName(): string;
}

type Builtin = (args: JsonValue[], ctx: FunctionContext) => JsonValue | Promise<JsonValue>;

/** Every template function Azure Resource Manager documents (lower case). `list*` is matched by prefix. */
const AZURE_FUNCTION_NAMES = [
    'array', 'concat', 'contains', 'createArray', 'empty', 'first', 'flatten', 'indexFromEnd', 'indexOf', 'intersection',
    'items', 'last', 'lastIndexOf', 'length', 'max', 'min', 'range', 'skip', 'take', 'tryGet', 'tryIndexFromEnd', 'union',
    'parseCidr', 'cidrSubnet', 'cidrHost', 'coalesce', 'equals', 'greater', 'greaterOrEquals', 'less', 'lessOrEquals',
    'dateTimeAdd', 'dateTimeFromEpoch', 'dateTimeToEpoch', 'utcNow', 'deployer', 'deployment', 'environment', 'parameters',
    'variables', 'filter', 'groupBy', 'map', 'mapValues', 'reduce', 'sort', 'toObject', 'lambda', 'lambdaVariables', 'and',
    'bool', 'false', 'if', 'not', 'or', 'true', 'add', 'copyIndex', 'div', 'float', 'int', 'mod', 'mul', 'sub',
    'createObject', 'json', 'null', 'objectKeys', 'shallowMerge', 'extensionResourceId', 'listAccountSas', 'listKeys',
    'listSecrets', 'managementGroup', 'managementGroupResourceId', 'pickZones', 'providers', 'reference', 'references',
    'resourceGroup', 'resourceId', 'subscription', 'subscriptionResourceId', 'tenantResourceId', 'tenant', 'base64',
    'base64ToJson', 'base64ToString', 'dataUri', 'dataUriToString', 'endsWith', 'format', 'guid', 'join', 'newGuid',
    'padLeft', 'replace', 'split', 'startsWith', 'string', 'substring', 'toLower', 'toUpper', 'trim', 'uniqueString',
    'uri', 'uriComponent', 'uriComponentToString',
];
export const AZURE_FUNCTIONS = new Set(AZURE_FUNCTION_NAMES.map((name) => name.toLowerCase()));

export function isAzureFunction(name: string): boolean {
  const lower = name.toLowerCase();
  return AZURE_FUNCTIONS.has(lower) || lower.startsWith('list');
}

function fail(fn: string, problem: string): never {
  throw new TemplateExpressionError(`Unable to evaluate template language function '${fn}': ${problem} Please see https://aka.ms/arm-functions for usage details.`);
}

function arity(fn: string, args: JsonValue[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    fail(fn, `it expects ${expected} parameter(s) but got ${args.length}.`);
  }
}

export function typeName(value: JsonValue): string {
  if (value === null) return 'Null';
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Float';
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'string') return 'String';
  return 'Object';
}

function str(fn: string, value: JsonValue, position: number): string {
  if (typeof value !== 'string') fail(fn, `parameter ${position} must be a String, but it is of type '${typeName(value)}'.`);
  return value;
}

function int(fn: string, value: JsonValue, position: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(fn, `parameter ${position} must be an Integer, but it is of type '${typeName(value)}'.`);
  return value;
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** ARM's `string()` conversion: objects and arrays become compact JSON, booleans `True`/`False`. */
export function toText(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** Case-insensitive property lookup, as ARM does it. */
export function getProperty(value: JsonValue, name: string): JsonValue | undefined {
  if (!isObject(value)) return undefined;
  if (Object.prototype.hasOwnProperty.call(value, name)) return value[name];
  const key = Object.keys(value).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : value[key];
}

export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => { const other = getProperty(b, k); return other !== undefined && jsonEquals(a[k], other); });
  }
  return a === b;
}

/** Splits `Microsoft.X/a/b` + names into the id segments `providers/Microsoft.X/a/{n1}/b/{n2}`. */
function typedPath(fn: string, type: string, names: string[]): string {
  const parts = type.split('/');
  if (parts.length < 2 || !parts[0].includes('.')) fail(fn, `'${type}' is not a fully qualified resource type such as 'Microsoft.ApiManagement/service'.`);
  const typeSegments = parts.slice(1);
  const flatNames = names.flatMap((name) => name.split('/'));
  if (flatNames.length !== typeSegments.length) {
    fail(fn, `the type '${type}' requires ${typeSegments.length} resource name argument(s) but ${flatNames.length} were given.`);
  }
  return `providers/${parts[0]}/${typeSegments.map((segment, i) => `${segment}/${flatNames[i]}`).join('/')}`;
}

function looksLikeType(value: JsonValue): boolean {
  return typeof value === 'string' && /^[A-Za-z0-9]+(\.[A-Za-z0-9]+)+\/[A-Za-z]/.test(value);
}

function resourceIdFunction(args: JsonValue[], ctx: FunctionContext): string {
  arity('resourceId', args, 2, Infinity);
  const typeAt = args.findIndex(looksLikeType);
  if (typeAt < 0 || typeAt > 2) fail('resourceId', 'no resource type (such as Microsoft.ApiManagement/service) was found among the first three parameters.');
  const scope = args.slice(0, typeAt).map((v, i) => str('resourceId', v, i + 1));
  const [subscriptionId, group] = scope.length === 2 ? scope : [ctx.subscriptionId(), scope[0] ?? ctx.resourceGroupName()];
  const names = args.slice(typeAt + 1).map((v, i) => str('resourceId', v, typeAt + i + 2));
  return `/subscriptions/${subscriptionId}/resourceGroups/${group}/${typedPath('resourceId', args[typeAt] as string, names)}`;
}

/** `format('{0} is {1:N0}', a, b)`: .NET composite formatting for the common cases. */
function formatFunction(args: JsonValue[]): string {
  arity('format', args, 1, Infinity);
  const template = str('format', args[0], 1);
  return template.replace(/\{\{|\}\}|\{(\d+)(?::([^}]*))?\}/g, (match, index: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const i = Number(index);
    if (i + 1 >= args.length) fail('format', `the format string refers to argument {${i}} but only ${args.length - 1} were given.`);
    return toText(args[i + 1]);
  });
}

function lengthOf(value: JsonValue): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (isObject(value)) return Object.keys(value).length;
  fail('length', `the parameter must be an Array, Object or String, but it is of type '${typeName(value)}'.`);
}

function union(values: JsonValue[]): JsonValue {
  if (values.every(Array.isArray)) {
    const out: JsonValue[] = [];
    for (const list of values as JsonValue[][]) for (const item of list) if (!out.some((x) => jsonEquals(x, item))) out.push(item);
    return out;
  }
  if (values.every(isObject)) return Object.assign({}, ...values);
  fail('union', 'all parameters must be arrays, or all must be objects.');
}

function concatFunction(args: JsonValue[]): JsonValue {
  arity('concat', args, 1, Infinity);
  if (args.every(Array.isArray)) return (args as JsonValue[][]).flat(1);
  return args.map((v) => (Array.isArray(v) ? fail('concat', 'it cannot mix arrays and strings.') : toText(v))).join('');
}

const builtins: Record<string, Builtin> = {
  parameters: (args, ctx) => (arity('parameters', args, 1), ctx.parameter(str('parameters', args[0], 1))),
  variables: (args, ctx) => (arity('variables', args, 1), ctx.variable(str('variables', args[0], 1))),
  copyindex: (args, ctx) => {
    arity('copyIndex', args, 0, 2);
    const loopName = typeof args[0] === 'string' ? args[0] : undefined;
    const offset = args.find((a) => typeof a === 'number') ?? 0;
    return ctx.copyIndex(loopName) + (offset as number);
  },
  subscription: (args, ctx) => (arity('subscription', args, 0), ctx.subscription()),
  resourcegroup: (args, ctx) => (arity('resourceGroup', args, 0), ctx.resourceGroup()),
  deployment: (args, ctx) => (arity('deployment', args, 0), ctx.deployment()),
  resourceid: (args, ctx) => resourceIdFunction(args, ctx),
  subscriptionresourceid: (args, ctx) => {
    arity('subscriptionResourceId', args, 2, Infinity);
    const withSub = !looksLikeType(args[0]);
    const sub = withSub ? str('subscriptionResourceId', args[0], 1) : ctx.subscriptionId();
    const rest = withSub ? args.slice(1) : args;
    const names = rest.slice(1).map((v, i) => str('subscriptionResourceId', v, i + 2));
    return `/subscriptions/${sub}/${typedPath('subscriptionResourceId', str('subscriptionResourceId', rest[0], 1), names)}`;
  },
  extensionresourceid: (args) => {
    arity('extensionResourceId', args, 3, Infinity);
    const scope = str('extensionResourceId', args[0], 1).replace(/\/+$/, '');
    const names = args.slice(2).map((v, i) => str('extensionResourceId', v, i + 3));
    return `${scope}/${typedPath('extensionResourceId', str('extensionResourceId', args[1], 2), names)}`;
  },
  tenantresourceid: (args) => {
    arity('tenantResourceId', args, 2, Infinity);
    const names = args.slice(1).map((v, i) => str('tenantResourceId', v, i + 2));
    return `/${typedPath('tenantResourceId', str('tenantResourceId', args[0], 1), names)}`;
  },
  reference: (args, ctx) => {
    arity('reference', args, 1, 3);
    const full = args.length === 3 && str('reference', args[2], 3).toLowerCase() === 'full';
    if (args.length === 3 && !full) fail('reference', `the third parameter must be 'Full'.`);
    return ctx.reference(str('reference', args[0], 1), args.length >= 2 ? str('reference', args[1], 2) : undefined, full);
  },
  uniquestring: (args) => (arity('uniqueString', args, 1, Infinity), uniqueString(args.map((v, i) => str('uniqueString', v, i + 1)))),
  guid: (args) => (arity('guid', args, 1, Infinity), deterministicGuid(args.map((v, i) => str('guid', v, i + 1)))),
  concat: concatFunction,
  format: formatFunction,
  string: (args) => (arity('string', args, 1), toText(args[0])),
  int: (args) => {
    arity('int', args, 1);
    const n = typeof args[0] === 'string' ? Number(args[0]) : args[0];
    if (typeof n !== 'number' || !Number.isFinite(n)) fail('int', `the value '${toText(args[0])}' cannot be converted to an Integer.`);
    return Math.trunc(n);
  },
  bool: (args) => {
    arity('bool', args, 1);
    if (typeof args[0] === 'boolean') return args[0];
    if (typeof args[0] === 'number') return args[0] !== 0;
    const text = str('bool', args[0], 1).toLowerCase();
    if (text !== 'true' && text !== 'false') fail('bool', `the value '${text}' is not 'true' or 'false'.`);
    return text === 'true';
  },
  json: (args) => {
    arity('json', args, 1);
    try {
      return JSON.parse(str('json', args[0], 1)) as JsonValue;
    } catch {
      return fail('json', 'the string is not valid JSON.');
    }
  },
  true: (args) => (arity('true', args, 0), true),
  false: (args) => (arity('false', args, 0), false),
  null: (args) => (arity('null', args, 0), null),
  tolower: (args) => (arity('toLower', args, 1), str('toLower', args[0], 1).toLowerCase()),
  toupper: (args) => (arity('toUpper', args, 1), str('toUpper', args[0], 1).toUpperCase()),
  trim: (args) => (arity('trim', args, 1), str('trim', args[0], 1).trim()),
  replace: (args) => (arity('replace', args, 3), str('replace', args[0], 1).split(str('replace', args[1], 2)).join(str('replace', args[2], 3))),
  substring: (args) => {
    arity('substring', args, 2, 3);
    const text = str('substring', args[0], 1);
    const start = int('substring', args[1], 2);
    const length = args.length === 3 ? int('substring', args[2], 3) : text.length - start;
    if (start < 0 || length < 0 || start + length > text.length) {
      fail('substring', `the index and length parameters must refer to a location within the string (index ${start}, length ${length}, string length ${text.length}).`);
    }
    return text.substr(start, length);
  },
  split: (args) => {
    arity('split', args, 2);
    const text = str('split', args[0], 1);
    const delimiters = Array.isArray(args[1]) ? args[1].map((d, i) => str('split', d, i + 2)) : [str('split', args[1], 2)];
    return delimiters.reduce<string[]>((parts, d) => parts.flatMap((p) => p.split(d)), [text]);
  },
  join: (args) => {
    arity('join', args, 2);
    if (!Array.isArray(args[0])) fail('join', 'the first parameter must be an Array.');
    return args[0].map(toText).join(str('join', args[1], 2));
  },
  startswith: (args) => (arity('startsWith', args, 2), str('startsWith', args[0], 1).toLowerCase().startsWith(str('startsWith', args[1], 2).toLowerCase())),
  endswith: (args) => (arity('endsWith', args, 2), str('endsWith', args[0], 1).toLowerCase().endsWith(str('endsWith', args[1], 2).toLowerCase())),
  padleft: (args) => {
    arity('padLeft', args, 2, 3);
    const pad = args.length === 3 ? str('padLeft', args[2], 3) : ' ';
    return toText(args[0]).padStart(int('padLeft', args[1], 2), pad);
  },
  base64: (args) => {
    arity('base64', args, 1);
    const bytes = new TextEncoder().encode(str('base64', args[0], 1));
    return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
  },
  uri: (args) => {
    arity('uri', args, 2);
    const base = str('uri', args[0], 1);
    const relative = str('uri', args[1], 2);
    return new URL(relative, base).toString();
  },
  length: (args) => (arity('length', args, 1), lengthOf(args[0])),
  empty: (args) => (arity('empty', args, 1), args[0] === null || lengthOf(args[0]) === 0),
  contains: (args) => {
    arity('contains', args, 2);
    const [container, item] = args;
    if (typeof container === 'string') return container.includes(toText(item));
    if (Array.isArray(container)) return container.some((x) => jsonEquals(x, item));
    if (isObject(container)) return getProperty(container, str('contains', item, 2)) !== undefined;
    fail('contains', 'the first parameter must be an Array, Object or String.');
  },
  first: (args) => {
    arity('first', args, 1);
    const v = args[0];
    if (typeof v === 'string') return v.slice(0, 1);
    if (Array.isArray(v)) return v[0] ?? null;
    fail('first', 'the parameter must be an Array or String.');
  },
  last: (args) => {
    arity('last', args, 1);
    const v = args[0];
    if (typeof v === 'string') return v.slice(-1);
    if (Array.isArray(v)) return v.length === 0 ? null : v[v.length - 1];
    fail('last', 'the parameter must be an Array or String.');
  },
  take: (args) => {
    arity('take', args, 2);
    const n = Math.max(0, int('take', args[1], 2));
    if (typeof args[0] === 'string' || Array.isArray(args[0])) return args[0].slice(0, n);
    fail('take', 'the first parameter must be an Array or String.');
  },
  skip: (args) => {
    arity('skip', args, 2);
    const n = Math.max(0, int('skip', args[1], 2));
    if (typeof args[0] === 'string' || Array.isArray(args[0])) return args[0].slice(n);
    fail('skip', 'the first parameter must be an Array or String.');
  },
  indexof: (args) => {
    arity('indexOf', args, 2);
    if (Array.isArray(args[0])) return args[0].findIndex((x) => jsonEquals(x, args[1]));
    return str('indexOf', args[0], 1).toLowerCase().indexOf(str('indexOf', args[1], 2).toLowerCase());
  },
  range: (args) => {
    arity('range', args, 2);
    const start = int('range', args[0], 1);
    const count = int('range', args[1], 2);
    if (count < 0) fail('range', 'the count must not be negative.');
    return Array.from({ length: count }, (_, i) => start + i);
  },
  createarray: (args) => args,
  array: (args) => (arity('array', args, 1), Array.isArray(args[0]) ? args[0] : [args[0]]),
  createobject: (args) => {
    if (args.length % 2 !== 0) fail('createObject', 'it expects an even number of parameters (key, value pairs).');
    const out: Record<string, JsonValue> = {};
    for (let i = 0; i < args.length; i += 2) out[str('createObject', args[i], i + 1)] = args[i + 1];
    return out;
  },
  union: (args) => (arity('union', args, 1, Infinity), union(args)),
  objectkeys: (args) => {
    arity('objectKeys', args, 1);
    if (!isObject(args[0])) fail('objectKeys', 'the parameter must be an Object.');
    return Object.keys(args[0]);
  },
  coalesce: (args) => (arity('coalesce', args, 1, Infinity), args.find((v) => v !== null) ?? null),
  equals: (args) => (arity('equals', args, 2), jsonEquals(args[0], args[1])),
  not: (args) => {
    arity('not', args, 1);
    if (typeof args[0] !== 'boolean') fail('not', 'the parameter must be a Boolean.');
    return !args[0];
  },
  greater: (args) => (arity('greater', args, 2), compare('greater', args) > 0),
  greaterorequals: (args) => (arity('greaterOrEquals', args, 2), compare('greaterOrEquals', args) >= 0),
  less: (args) => (arity('less', args, 2), compare('less', args) < 0),
  lessorequals: (args) => (arity('lessOrEquals', args, 2), compare('lessOrEquals', args) <= 0),
  add: (args) => (arity('add', args, 2), int('add', args[0], 1) + int('add', args[1], 2)),
  sub: (args) => (arity('sub', args, 2), int('sub', args[0], 1) - int('sub', args[1], 2)),
  mul: (args) => (arity('mul', args, 2), int('mul', args[0], 1) * int('mul', args[1], 2)),
  div: (args) => {
    arity('div', args, 2);
    const divisor = int('div', args[1], 2);
    if (divisor === 0) fail('div', 'the divisor cannot be zero.');
    return Math.trunc(int('div', args[0], 1) / divisor);
  },
  mod: (args) => {
    arity('mod', args, 2);
    const divisor = int('mod', args[1], 2);
    if (divisor === 0) fail('mod', 'the divisor cannot be zero.');
    return int('mod', args[0], 1) % divisor;
  },
  min: (args) => minMax('min', args, Math.min),
  max: (args) => minMax('max', args, Math.max),
};

function compare(fn: string, args: JsonValue[]): number {
  const [a, b] = args;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  fail(fn, 'both parameters must be Integers or both must be Strings.');
}

function minMax(fn: string, args: JsonValue[], pick: (...n: number[]) => number): number {
  arity(fn, args, 1, Infinity);
  const values = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (values.length === 0) fail(fn, 'it needs at least one value.');
  return pick(...values.map((v, i) => int(fn, v, i + 1)));
}

/** The sandbox's implementation of a function, `list*` actions included, or undefined. */
export function builtin(name: string): Builtin | undefined {
  const lower = name.toLowerCase();
  const direct = builtins[lower];
  if (direct !== undefined) return direct;
  if (lower.startsWith('list') && lower.length > 4) {
    return (args, ctx) => {
      arity(name, args, 2, 3);
      return ctx.list(name, str(name, args[0], 1), str(name, args[1], 2), args[2]);
    };
  }
  return undefined;
}

/** Names the sandbox implements, for error messages. */
export function supportedFunctionNames(): string[] {
  return [...AZURE_FUNCTION_NAMES.filter((name) => builtins[name.toLowerCase()] !== undefined), 'list*'].sort((a, b) => a.localeCompare(b));
}

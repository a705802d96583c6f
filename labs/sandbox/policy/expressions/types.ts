/**
 * The members of `context` (and of strings and the other values expressions meet) that the
 * sandbox supports: their static types, used to refuse unsupported expressions when a policy is
 * saved, and their run-time behaviour. Anything not listed here is refused.
 *
 * Run-time shapes: context objects are plain objects with the C# member names; header and
 * matched-parameter collections are `Record<string, string>` (header names lower case);
 * `context.Variables` is a `Map<string, unknown>`.
 */

export type ValueType = string;

export class ExpressionRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionRuntimeError';
  }
}

interface MethodSpec {
  /** Parameter types; `any` accepts everything. */
  params: ValueType[];
  minArgs?: number;
  returns: ValueType | ((typeArgument: ValueType | undefined, argTypes: ValueType[]) => ValueType);
  run(target: unknown, args: unknown[]): unknown;
}

interface TypeSpec {
  properties?: Record<string, ValueType>;
  methods?: Record<string, MethodSpec>;
  indexer?: { key: ValueType; returns: ValueType; get(target: unknown, key: unknown): unknown };
}

/** How C# turns a value into text (`true` → `True`, null → empty). */
export function toCSharpString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof Map) return 'System.Collections.Generic.Dictionary`2[System.String,System.Object]';
  if (typeof value === 'object' && 'ToString' in value && typeof value.ToString === 'function') return String(value.ToString());
  return String(value);
}

function str(value: unknown): string {
  if (value === null || value === undefined) throw new ExpressionRuntimeError('Value cannot be null.');
  return toCSharpString(value);
}

function dictionaryLookup(target: unknown, key: unknown, lowerCase: boolean): string | undefined {
  const record = target as Record<string, string>;
  const name = lowerCase ? str(key).toLowerCase() : str(key);
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}

function headerMethods(lowerCase: boolean): Record<string, MethodSpec> {
  return {
    GetValueOrDefault: {
      params: ['string', 'string'],
      minArgs: 1,
      returns: 'string',
      run: (target, [key, fallback]) => dictionaryLookup(target, key, lowerCase) ?? fallback ?? null,
    },
    ContainsKey: { params: ['string'], returns: 'bool', run: (target, [key]) => dictionaryLookup(target, key, lowerCase) !== undefined },
  };
}

const stringMethods: Record<string, MethodSpec> = {
  ToLower: { params: [], returns: 'string', run: (s) => (s as string).toLowerCase() },
  ToLowerInvariant: { params: [], returns: 'string', run: (s) => (s as string).toLowerCase() },
  ToUpper: { params: [], returns: 'string', run: (s) => (s as string).toUpperCase() },
  ToUpperInvariant: { params: [], returns: 'string', run: (s) => (s as string).toUpperCase() },
  Trim: { params: [], returns: 'string', run: (s) => (s as string).trim() },
  Contains: { params: ['string'], returns: 'bool', run: (s, [v]) => (s as string).includes(str(v)) },
  StartsWith: { params: ['string'], returns: 'bool', run: (s, [v]) => (s as string).startsWith(str(v)) },
  EndsWith: { params: ['string'], returns: 'bool', run: (s, [v]) => (s as string).endsWith(str(v)) },
  IndexOf: { params: ['string'], returns: 'number', run: (s, [v]) => (s as string).indexOf(str(v)) },
  Replace: { params: ['string', 'string'], returns: 'string', run: (s, [a, b]) => (s as string).split(str(a)).join(toCSharpString(b)) },
  Substring: {
    params: ['number', 'number'],
    minArgs: 1,
    returns: 'string',
    run: (s, [start, length]) => {
      const text = s as string;
      const from = start as number;
      const end = length === undefined ? text.length : from + (length as number);
      if (from < 0 || from > text.length || end > text.length || end < from) throw new ExpressionRuntimeError('Index and length must refer to a location within the string.');
      return text.slice(from, end);
    },
  },
};

const variableMethods: Record<string, MethodSpec> = {
  GetValueOrDefault: {
    params: ['string', 'any'],
    minArgs: 1,
    returns: (typeArgument, argTypes) => typeArgument ?? (argTypes[1] === 'null' ? undefined : argTypes[1]) ?? 'object',
    run: (target, [name, fallback]) => {
      const variables = target as Map<string, unknown>;
      return variables.has(str(name)) ? variables.get(str(name)) : fallback ?? null;
    },
  },
  ContainsKey: { params: ['string'], returns: 'bool', run: (target, [name]) => (target as Map<string, unknown>).has(str(name)) },
};

export const TYPES: Record<string, TypeSpec> = {
  Context: {
    properties: {
      Api: 'Api', Deployment: 'Deployment', LastError: 'LastError', Operation: 'Operation', Product: 'Product',
      Request: 'Request', RequestId: 'string', Response: 'Response', Subscription: 'Subscription', Tracing: 'bool',
      User: 'User', Variables: 'Variables',
    },
  },
  Api: { properties: { Id: 'string', Name: 'string', Path: 'string', Version: 'string', Revision: 'string', IsCurrentRevision: 'bool' } },
  Deployment: { properties: { Region: 'string', ServiceName: 'string', ServiceId: 'string', Gateway: 'Gateway' } },
  Gateway: { properties: { Id: 'string', InstanceId: 'string', IsManaged: 'bool' } },
  LastError: { properties: { Source: 'string', Reason: 'string', Message: 'string', Scope: 'string', Section: 'string', Path: 'string', PolicyId: 'string' } },
  Operation: { properties: { Id: 'string', Name: 'string', Method: 'string', UrlTemplate: 'string' } },
  Product: { properties: { Id: 'string', Name: 'string', SubscriptionRequired: 'bool' } },
  Request: { properties: { Headers: 'Headers', IpAddress: 'string', MatchedParameters: 'Parameters', Method: 'string', OriginalUrl: 'Url', Url: 'Url' } },
  Response: { properties: { Headers: 'Headers', StatusCode: 'number', StatusReason: 'string' } },
  Subscription: { properties: { Id: 'string', Key: 'string', Name: 'string', PrimaryKey: 'string', SecondaryKey: 'string' } },
  User: { properties: { Id: 'string', Email: 'string', FirstName: 'string', LastName: 'string' } },
  Url: {
    properties: { Host: 'string', Path: 'string', Port: 'number', Query: 'Parameters', QueryString: 'string', Scheme: 'string' },
  },
  Headers: { methods: headerMethods(true) },
  Parameters: {
    methods: headerMethods(false),
    indexer: {
      key: 'string',
      returns: 'string',
      get: (target, key) => {
        const value = dictionaryLookup(target, key, false);
        if (value === undefined) throw new ExpressionRuntimeError(`The given key '${str(key)}' was not present in the dictionary.`);
        return value;
      },
    },
  },
  Variables: {
    methods: variableMethods,
    indexer: {
      key: 'string',
      returns: 'object',
      get: (target, key) => {
        const variables = target as Map<string, unknown>;
        if (!variables.has(str(key))) throw new ExpressionRuntimeError(`The given key '${str(key)}' was not present in the dictionary.`);
        return variables.get(str(key));
      },
    },
  },
  string: { properties: { Length: 'number' }, methods: stringMethods },
  String: {
    methods: {
      IsNullOrEmpty: { params: ['string'], returns: 'bool', run: (_t, [v]) => v === null || v === undefined || v === '' },
      IsNullOrWhiteSpace: { params: ['string'], returns: 'bool', run: (_t, [v]) => v === null || v === undefined || toCSharpString(v).trim() === '' },
      Concat: { params: ['any', 'any', 'any', 'any'], minArgs: 1, returns: 'string', run: (_t, args) => args.map(toCSharpString).join('') },
    },
  },
};

/** Methods every value has. */
export const UNIVERSAL_METHODS: Record<string, MethodSpec> = {
  ToString: { params: [], returns: 'string', run: (value) => (typeof value === 'string' ? value : toCSharpString(value)) },
  Equals: { params: ['any'], returns: 'bool', run: (value, [other]) => value === other },
};

/** Names that stand for a type whose static methods may be called (`String.IsNullOrEmpty(...)`). */
export const STATIC_TYPES: Record<string, string> = { String: 'String', string: 'String' };

export function lookupMethod(type: ValueType, name: string): MethodSpec | undefined {
  return TYPES[type]?.methods?.[name] ?? (type === 'String' ? undefined : UNIVERSAL_METHODS[name]);
}

export function propertyNames(type: ValueType): string[] {
  return [...Object.keys(TYPES[type]?.properties ?? {}), ...Object.keys(TYPES[type]?.methods ?? {}).map((m) => `${m}()`)];
}

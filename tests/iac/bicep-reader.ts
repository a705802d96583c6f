/**
 * A small reader for the Bicep language, enough to hold labs/infra/main.bicep against its ARM JSON
 * twin: it parses params (with decorators), vars, resources (with `parent`, `scope`, `dependsOn`
 * and `[for ...]` loops) and outputs, and evaluates their expressions. Anything it does not know
 * fails loudly, so the consistency test cannot pass by skipping what it cannot read.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { deterministicGuid, uniqueString } from '../../labs/sandbox/deployments/hash.ts';

type Token = { kind: 'id' | 'str' | 'num' | 'punct' | 'nl'; text: string; parts?: Array<string | Node> };

export type Node =
  | { t: 'str'; parts: Array<string | Node> }
  | { t: 'num'; value: number }
  | { t: 'bool'; value: boolean }
  | { t: 'null' }
  | { t: 'id'; name: string }
  | { t: 'obj'; entries: Array<[string, Node]> }
  | { t: 'arr'; items: Node[] }
  | { t: 'for'; item: string; source: Node; body: Node }
  | { t: 'member'; target: Node; name: string }
  | { t: 'index'; target: Node; index: Node }
  | { t: 'call'; name: string; args: Node[] }
  | { t: 'binary'; op: string; left: Node; right: Node }
  | { t: 'ternary'; test: Node; then: Node; else: Node };

export interface BicepParam {
  name: string;
  type: string;
  defaultValue?: Node;
  decorators: Record<string, Node[]>;
}
export interface BicepResource {
  symbol: string;
  type: string;
  apiVersion: string;
  body: Node;
  loop?: { item: string; source: Node };
}
export interface BicepFile {
  path: string;
  params: BicepParam[];
  vars: Array<{ name: string; value: Node }>;
  resources: BicepResource[];
  outputs: Array<{ name: string; type: string; value: Node; decorators: Record<string, Node[]> }>;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const readString = (): Token => {
    i += 1; // opening quote
    const parts: Array<string | Node> = [];
    let literal = '';
    while (i < text.length && text[i] !== "'") {
      if (text[i] === '\\') {
        const escaped = text[i + 1];
        literal += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
        i += 2;
      } else if (text[i] === '$' && text[i + 1] === '{') {
        let depth = 1;
        let j = i + 2;
        while (depth > 0) {
          if (text[j] === '{') depth += 1;
          if (text[j] === '}') depth -= 1;
          j += 1;
        }
        if (literal) parts.push(literal);
        literal = '';
        parts.push(parseExpressionText(text.slice(i + 2, j - 1)));
        i = j;
      } else {
        literal += text[i];
        i += 1;
      }
    }
    i += 1;
    if (literal || parts.length === 0) parts.push(literal);
    return { kind: 'str', text: '', parts };
  };
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\n') {
      tokens.push({ kind: 'nl', text: '\n' });
      i += 1;
    } else if (/\s/.test(ch)) i += 1;
    else if (text.startsWith('//', i) || (ch === '#' && text.startsWith('#disable-next-line', i))) {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (text.startsWith('/*', i)) i = text.indexOf('*/', i) + 2;
    else if (ch === "'") tokens.push(readString());
    else if (/[0-9]/.test(ch)) {
      const m = /^[0-9]+/.exec(text.slice(i))![0];
      tokens.push({ kind: 'num', text: m });
      i += m.length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))![0];
      tokens.push({ kind: 'id', text: m });
      i += m.length;
    } else {
      const two = text.slice(i, i + 2);
      const op = ['==', '!=', '&&', '||'].includes(two) ? two : ch;
      if (!'{}[]():,.?=@!'.includes(op[0])) throw new Error(`bicep-reader: unexpected character '${ch}'`);
      tokens.push({ kind: 'punct', text: op });
      i += op.length;
    }
  }
  return tokens;
}

class Parser {
  pos = 0;
  constructor(readonly tokens: Token[]) {}
  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }
  next(): Token {
    const token = this.tokens[this.pos];
    if (token === undefined) throw new Error('bicep-reader: unexpected end of file');
    this.pos += 1;
    return token;
  }
  isPunct(text: string): boolean {
    return this.peek()?.kind === 'punct' && this.peek()?.text === text;
  }
  expect(text: string): void {
    const token = this.next();
    if (token.text !== text) throw new Error(`bicep-reader: expected '${text}' but found '${token.text}'`);
  }
  skipNewlines(): void {
    while (this.peek()?.kind === 'nl') this.pos += 1;
  }

  expression(): Node {
    const test = this.binary();
    if (this.isPunct('?')) {
      this.next();
      const then = this.expression();
      this.expect(':');
      return { t: 'ternary', test, then, else: this.expression() };
    }
    return test;
  }
  binary(): Node {
    let left = this.postfix();
    while (this.peek()?.kind === 'punct' && ['==', '!=', '&&', '||'].includes(this.peek()!.text)) {
      const op = this.next().text;
      left = { t: 'binary', op, left, right: this.postfix() };
    }
    return left;
  }
  postfix(): Node {
    let node = this.primary();
    for (;;) {
      if (this.isPunct('.')) {
        this.next();
        node = { t: 'member', target: node, name: this.next().text };
      } else if (this.isPunct('[')) {
        this.next();
        const index = this.expression();
        this.expect(']');
        node = { t: 'index', target: node, index };
      } else return node;
    }
  }
  primary(): Node {
    const token = this.next();
    if (token.kind === 'str') return { t: 'str', parts: token.parts! };
    if (token.kind === 'num') return { t: 'num', value: Number(token.text) };
    if (token.kind === 'id') {
      if (token.text === 'true' || token.text === 'false') return { t: 'bool', value: token.text === 'true' };
      if (token.text === 'null') return { t: 'null' };
      if (this.isPunct('(')) {
        this.next();
        const args: Node[] = [];
        this.skipNewlines();
        while (!this.isPunct(')')) {
          args.push(this.expression());
          this.skipNewlines();
          if (this.isPunct(',')) this.next();
          this.skipNewlines();
        }
        this.expect(')');
        return { t: 'call', name: token.text, args };
      }
      return { t: 'id', name: token.text };
    }
    if (token.text === '(') {
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    if (token.text === '{') {
      const entries: Array<[string, Node]> = [];
      this.skipNewlines();
      while (!this.isPunct('}')) {
        const key = this.next();
        const name = key.kind === 'str' ? String(key.parts![0]) : key.text;
        this.expect(':');
        entries.push([name, this.expression()]);
        this.skipNewlines();
      }
      this.expect('}');
      return { t: 'obj', entries };
    }
    if (token.text === '[') {
      this.skipNewlines();
      if (this.peek()?.text === 'for') {
        this.next();
        const item = this.next().text;
        this.expect('in');
        const source = this.expression();
        this.expect(':');
        this.skipNewlines();
        const body = this.expression();
        this.skipNewlines();
        this.expect(']');
        return { t: 'for', item, source, body };
      }
      const items: Node[] = [];
      while (!this.isPunct(']')) {
        items.push(this.expression());
        this.skipNewlines();
      }
      this.expect(']');
      return { t: 'arr', items };
    }
    throw new Error(`bicep-reader: unexpected '${token.text}'`);
  }
}

function parseExpressionText(text: string): Node {
  const parser = new Parser(tokenize(text));
  const node = parser.expression();
  if (parser.peek() !== undefined) throw new Error(`bicep-reader: trailing text in '${text}'`);
  return node;
}

export function readBicep(path: string): BicepFile {
  const parser = new Parser(tokenize(readFileSync(path, 'utf8')));
  const file: BicepFile = { path, params: [], vars: [], resources: [], outputs: [] };
  let decorators: Record<string, Node[]> = {};
  for (;;) {
    parser.skipNewlines();
    const token = parser.peek();
    if (token === undefined) break;
    if (token.text === '@') {
      parser.next();
      const call = parser.primary();
      if (call.t !== 'call') throw new Error('bicep-reader: a decorator must be a call');
      decorators[call.name] = call.args;
      continue;
    }
    const keyword = parser.next().text;
    if (keyword === 'targetScope') {
      parser.expect('=');
      parser.expression();
    } else if (keyword === 'param') {
      const name = parser.next().text;
      const type = parser.next().text;
      let defaultValue: Node | undefined;
      if (parser.isPunct('=')) {
        parser.next();
        defaultValue = parser.expression();
      }
      file.params.push({ name, type, defaultValue, decorators });
    } else if (keyword === 'var') {
      const name = parser.next().text;
      parser.expect('=');
      file.vars.push({ name, value: parser.expression() });
    } else if (keyword === 'resource') {
      const symbol = parser.next().text;
      const typeToken = parser.next();
      const [type, apiVersion] = String(typeToken.parts![0]).split('@');
      parser.expect('=');
      const value = parser.expression();
      file.resources.push(value.t === 'for' ? { symbol, type, apiVersion, body: value.body, loop: { item: value.item, source: value.source } } : { symbol, type, apiVersion, body: value });
    } else if (keyword === 'output') {
      const name = parser.next().text;
      const type = parser.next().text;
      parser.expect('=');
      file.outputs.push({ name, type, value: parser.expression(), decorators });
    } else {
      throw new Error(`bicep-reader: unknown statement '${keyword}'`);
    }
    decorators = {};
  }
  return file;
}

/** A resource body as the provider receives it: without name, parent, scope and dependsOn. */
export function resourceBodyNode(body: Node): Node {
  if (body.t !== 'obj') throw new Error('bicep-reader: a resource body must be an object');
  return { t: 'obj', entries: body.entries.filter(([key]) => !['name', 'parent', 'scope', 'dependsOn'].includes(key)) };
}

/** A property of an object node, or undefined. */
export function entry(node: Node, key: string): Node | undefined {
  return node.t === 'obj' ? node.entries.find(([name]) => name === key)?.[1] : undefined;
}

/** Resource symbols an expression mentions (Bicep turns each into a dependency). */
export function symbolsIn(node: Node, symbols: Set<string>, found = new Set<string>()): Set<string> {
  const visit = (n: Node): void => {
    switch (n.t) {
      case 'id':
        if (symbols.has(n.name)) found.add(n.name);
        break;
      case 'str':
        n.parts.forEach((p) => typeof p !== 'string' && visit(p));
        break;
      case 'obj':
        n.entries.forEach(([, v]) => visit(v));
        break;
      case 'arr':
        n.items.forEach(visit);
        break;
      case 'member':
        visit(n.target);
        break;
      case 'index':
        visit(n.target);
        visit(n.index);
        break;
      case 'call':
        n.args.forEach(visit);
        break;
      case 'binary':
        visit(n.left);
        visit(n.right);
        break;
      case 'ternary':
        visit(n.test);
        visit(n.then);
        visit(n.else);
        break;
      case 'for':
        visit(n.source);
        visit(n.body);
        break;
    }
  };
  visit(node);
  return found;
}

export interface EvaluationScope {
  subscriptionId: string;
  resourceGroupId: string;
  resourceGroupLocation: string;
  /** Names in scope: parameters, variables, loop items. */
  values: Record<string, unknown>;
  /** A resource symbol's `id`, `name`, and its runtime properties as `reference` markers. */
  resource(symbol: string): { id: string; name: string; marker(path: string): string } | undefined;
  bicepDir: string;
}

/** Evaluates a Bicep expression the way the compiled template would evaluate. */
export function evaluateBicep(node: Node, scope: EvaluationScope): unknown {
  const ev = (n: Node): unknown => evaluateBicep(n, scope);
  switch (node.t) {
    case 'str':
      return node.parts.map((p) => (typeof p === 'string' ? p : String(ev(p)))).join('');
    case 'num':
    case 'bool':
      return node.value;
    case 'null':
      return null;
    case 'obj':
      return Object.fromEntries(node.entries.map(([key, value]) => [key, ev(value)]));
    case 'arr':
      return node.items.map(ev);
    case 'ternary':
      return ev(node.test) ? ev(node.then) : ev(node.else);
    case 'binary': {
      const [a, b] = [ev(node.left), ev(node.right)];
      if (node.op === '==') return a === b;
      if (node.op === '!=') return a !== b;
      if (node.op === '&&') return Boolean(a) && Boolean(b);
      return Boolean(a) || Boolean(b);
    }
    case 'id': {
      if (node.name in scope.values) return scope.values[node.name];
      throw new Error(`bicep-reader: unknown name '${node.name}'`);
    }
    case 'index': {
      const target = ev(node.target) as Record<string, unknown>;
      return target[String(ev(node.index))];
    }
    case 'member': {
      const path: string[] = [];
      let base: Node = node;
      while (base.t === 'member') {
        path.unshift(base.name);
        base = base.target;
      }
      if (base.t === 'id' && scope.resource(base.name) !== undefined) {
        const resource = scope.resource(base.name)!;
        if (path.length === 1 && path[0] === 'id') return resource.id;
        if (path.length === 1 && path[0] === 'name') return resource.name;
        if (path[0] === 'properties') return resource.marker(path.slice(1).join('.'));
        return resource.marker(path.join('.'));
      }
      let value = ev(base) as Record<string, unknown>;
      for (const name of path) value = value[name] as Record<string, unknown>;
      return value;
    }
    case 'call':
      return callBicep(node.name, node.args.map(ev), scope);
    case 'for':
      throw new Error('bicep-reader: a for-expression is only expected as a resource body');
  }
}

function typedId(base: string, type: string, names: string[]): string {
  const [namespace, ...segments] = type.split('/');
  return `${base}/providers/${namespace}/${segments.map((segment, i) => `${segment}/${names[i]}`).join('/')}`;
}

function callBicep(name: string, args: unknown[], scope: EvaluationScope): unknown {
  switch (name) {
    case 'resourceGroup':
      return { id: scope.resourceGroupId, location: scope.resourceGroupLocation };
    case 'subscription':
      return { id: `/subscriptions/${scope.subscriptionId}`, subscriptionId: scope.subscriptionId };
    case 'uniqueString':
      return uniqueString(args as string[]);
    case 'guid':
      return deterministicGuid(args as string[]);
    case 'substring':
      return (args[0] as string).substr(args[1] as number, args[2] as number);
    case 'resourceId':
      return typedId(scope.resourceGroupId, args[0] as string, args.slice(1) as string[]);
    case 'subscriptionResourceId':
      return typedId(`/subscriptions/${scope.subscriptionId}`, args[0] as string, args.slice(1) as string[]);
    case 'loadTextContent':
      return readFileSync(resolve(scope.bicepDir, args[0] as string), 'utf8');
    default:
      throw new Error(`bicep-reader: the function '${name}' is not known to this reader`);
  }
}

export function bicepDirOf(file: BicepFile): string {
  return dirname(file.path);
}

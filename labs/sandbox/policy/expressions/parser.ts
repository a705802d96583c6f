/**
 * Parses policy expression text into a syntax tree: a recursive-descent parser for the C# subset
 * (member access, `?.`, indexers, method calls, casts, operators, `?:`, `??`, interpolated strings,
 * and in `@{ }` blocks: `var`/typed declarations, assignments, `if`/`else` and `return`).
 */
import type { CastType, Expr, Program, Statement } from './ast.ts';
import { ExpressionError, tokenize, type Token } from './lexer.ts';

const CAST_TYPES = new Set<string>(['string', 'int', 'long', 'bool', 'double', 'object']);
const BINARY_LEVELS: string[][] = [['??'], ['||'], ['&&'], ['==', '!='], ['<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%']];

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[], private readonly offset: number) {}

  private get current(): Token {
    return this.tokens[this.index];
  }
  private peek(ahead = 1): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
  }
  private fail(message: string, token = this.current): never {
    throw new ExpressionError(message, token.pos + this.offset);
  }
  private isPunct(text: string, token = this.current): boolean {
    return token.kind === 'punct' && token.text === text;
  }
  private accept(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.index++;
    return true;
  }
  private expect(text: string): Token {
    if (!this.isPunct(text)) this.fail(`'${text}' expected but found '${this.current.text || 'end of expression'}'`);
    return this.tokens[this.index++];
  }
  private pos(token = this.current): number {
    return token.pos + this.offset;
  }

  atEnd(): boolean {
    return this.current.kind === 'end';
  }
  expectEnd(): void {
    if (!this.atEnd()) this.fail(`unexpected '${this.current.text}'`);
  }

  expression(): Expr {
    if (this.isPunct('=>', this.peek()) || (this.isPunct('(') && this.looksLikeLambda())) this.fail('lambda expressions are not supported');
    const test = this.binary(0);
    if (this.isPunct('?')) {
      const pos = this.pos();
      this.index++;
      const whenTrue = this.expression();
      this.expect(':');
      const whenFalse = this.expression();
      return { kind: 'conditional', test, whenTrue, whenFalse, pos };
    }
    return test;
  }

  private looksLikeLambda(): boolean {
    let depth = 0;
    for (let i = this.index; i < this.tokens.length; i++) {
      const token = this.tokens[i];
      if (this.isPunct('(', token)) depth++;
      else if (this.isPunct(')', token) && --depth === 0) return this.isPunct('=>', this.tokens[i + 1]);
    }
    return false;
  }

  private binary(level: number): Expr {
    if (level === BINARY_LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    while (this.current.kind === 'punct' && BINARY_LEVELS[level].includes(this.current.text)) {
      const op = this.current.text;
      const pos = this.pos();
      this.index++;
      const right = op === '??' ? this.binary(level) : this.binary(level + 1);
      left = { kind: 'binary', op, left, right, pos };
    }
    return left;
  }

  private unary(): Expr {
    const pos = this.pos();
    if (this.accept('!')) return { kind: 'unary', op: '!', operand: this.unary(), pos };
    if (this.accept('-')) return { kind: 'unary', op: '-', operand: this.unary(), pos };
    if (this.isPunct('(') && this.peek().kind === 'identifier' && CAST_TYPES.has(this.peek().text) && this.isPunct(')', this.peek(2))) {
      const next = this.peek(3);
      if (next.kind !== 'punct' || next.text === '(' || next.text === '!') {
        const to = this.peek().text as CastType;
        this.index += 3;
        return { kind: 'cast', to, operand: this.unary(), pos };
      }
    }
    return this.postfix(this.primary());
  }

  private postfix(target: Expr): Expr {
    for (;;) {
      const pos = this.pos();
      if (this.isPunct('.') || this.isPunct('?.')) {
        const nullConditional = this.current.text === '?.';
        this.index++;
        if (this.isPunct('[') && nullConditional) {
          target = this.indexer(target, true, pos);
          continue;
        }
        const nameToken = this.current;
        if (nameToken.kind !== 'identifier') this.fail('member name expected');
        this.index++;
        let typeArgument: string | undefined;
        if (this.isPunct('<') && this.peek().kind === 'identifier' && this.isPunct('>', this.peek(2)) && this.isPunct('(', this.peek(3))) {
          typeArgument = this.peek().text;
          this.index += 3;
        }
        if (this.accept('(')) {
          target = { kind: 'call', target, name: nameToken.text, typeArgument, args: this.arguments(), nullConditional, pos: this.pos(nameToken) };
        } else {
          target = { kind: 'member', target, name: nameToken.text, nullConditional, pos: this.pos(nameToken) };
        }
      } else if (this.isPunct('[')) {
        target = this.indexer(target, false, pos);
      } else if (this.isPunct('(')) {
        this.fail('only methods of a value can be called here');
      } else return target;
    }
  }

  private indexer(target: Expr, nullConditional: boolean, pos: number): Expr {
    this.expect('[');
    const index = this.expression();
    this.expect(']');
    return { kind: 'index', target, index, nullConditional, pos };
  }

  private arguments(): Expr[] {
    const args: Expr[] = [];
    if (this.accept(')')) return args;
    do args.push(this.expression());
    while (this.accept(','));
    this.expect(')');
    return args;
  }

  private primary(): Expr {
    const token = this.current;
    const pos = this.pos();
    switch (token.kind) {
      case 'string':
      case 'char':
        this.index++;
        return { kind: 'literal', value: token.value as string, pos };
      case 'number':
        this.index++;
        return { kind: 'literal', value: token.value as number, pos };
      case 'interpolated':
        this.index++;
        return { kind: 'interpolated', parts: parseInterpolation(token.value as string, pos + 2), pos };
      case 'identifier':
        this.index++;
        if (token.text === 'true' || token.text === 'false') return { kind: 'literal', value: token.text === 'true', pos };
        if (token.text === 'null') return { kind: 'literal', value: null, pos };
        if (token.text === 'new') this.fail("creating objects with 'new' is not supported", token);
        if (this.isPunct('(')) this.fail(`'${token.text}(...)' is not a supported function`, token);
        return { kind: 'name', name: token.text, pos };
      case 'punct':
        if (this.accept('(')) {
          const inner = this.expression();
          this.expect(')');
          return inner;
        }
        return this.fail(`unexpected '${token.text}'`);
      default:
        return this.fail('expression expected');
    }
  }

  statements(untilBrace: boolean): Statement[] {
    const body: Statement[] = [];
    while (!(untilBrace ? this.isPunct('}') : this.atEnd())) {
      if (this.atEnd()) this.fail("'}' expected");
      body.push(this.statement());
    }
    return body;
  }

  private block(): Statement[] {
    if (this.accept('{')) {
      const body = this.statements(true);
      this.expect('}');
      return body;
    }
    return [this.statement()];
  }

  private statement(): Statement {
    const token = this.current;
    const pos = this.pos();
    if (token.kind === 'identifier') {
      if (token.text === 'return') {
        this.index++;
        const value = this.expression();
        this.expect(';');
        return { kind: 'return', value, pos };
      }
      if (token.text === 'if') {
        this.index++;
        this.expect('(');
        const test = this.expression();
        this.expect(')');
        const then = this.block();
        let otherwise: Statement[] = [];
        if (this.current.kind === 'identifier' && this.current.text === 'else') {
          this.index++;
          otherwise = this.block();
        }
        return { kind: 'if', test, then, otherwise, pos };
      }
      const next = this.peek();
      if ((token.text === 'var' || CAST_TYPES.has(token.text)) && next.kind === 'identifier' && this.isPunct('=', this.peek(2))) {
        this.index += 3;
        const value = this.expression();
        this.expect(';');
        const declaredType = token.text === 'var' ? undefined : (token.text as CastType);
        return { kind: 'declare', name: next.text, declaredType, value, pos };
      }
      if (this.isPunct('=', next)) {
        this.index += 2;
        const value = this.expression();
        this.expect(';');
        return { kind: 'assign', name: token.text, value, pos };
      }
    }
    return this.fail('only declarations, assignments, if/else and return statements are supported');
  }
}

function parseInterpolation(raw: string, pos: number): Array<string | Expr> {
  const parts: Array<string | Expr> = [];
  let text = '';
  let i = 0;
  while (i < raw.length) {
    if (raw.startsWith('{{', i) || raw.startsWith('}}', i)) {
      text += raw[i];
      i += 2;
    } else if (raw[i] === '{') {
      const end = raw.indexOf('}', i);
      if (end < 0) throw new ExpressionError("'}' expected in interpolated string", pos + i);
      if (text) parts.push(text);
      text = '';
      const parser = new Parser(tokenize(raw.slice(i + 1, end)), pos + i + 1);
      parts.push(parser.expression());
      parser.expectEnd();
      i = end + 1;
    } else text += raw[i++];
  }
  if (text) parts.push(text);
  return parts.map((part) => (typeof part === 'string' ? part.replace(/\\n/g, '\n').replace(/\\"/g, '"') : part));
}

/** Parses `@(...)` or `@{...}` text (with the leading `@`). Positions are offsets into that text. */
export function parseExpression(source: string): Program {
  const trimmed = source.trim();
  const lead = source.indexOf('@');
  if (!trimmed.startsWith('@(') && !trimmed.startsWith('@{')) throw new ExpressionError("an expression starts with '@(' or '@{'", 0);
  const close = trimmed.endsWith(trimmed[1] === '(' ? ')' : '}');
  if (!close) throw new ExpressionError(`'${trimmed[1] === '(' ? ')' : '}'}' expected at the end of the expression`, source.length);
  const inner = trimmed.slice(2, -1);
  let tokens: Token[];
  try {
    tokens = tokenize(inner);
  } catch (error) {
    if (error instanceof ExpressionError) throw new ExpressionError(error.message, error.pos + lead + 2);
    throw error;
  }
  const parser = new Parser(tokens, lead + 2);
  if (trimmed[1] === '(') {
    const body = parser.expression();
    parser.expectEnd();
    return { kind: 'expression', body };
  }
  const body = parser.statements(false);
  return { kind: 'block', body };
}

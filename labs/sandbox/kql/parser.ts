/**
 * Parses the KQL subset the sandbox answers into a syntax tree with line/column positions.
 * Real KQL that the engine does not implement is refused here by name, with its position.
 */
import { Lexer, type Token } from './lexer.ts';
import { KqlError, type KqlType } from './types.ts';
import type { Assignment, Expr, LetStatement, NameRef, Operator, Pos, Query, SortKey, TabularExpr } from './ast.ts';

/** Tabular operators of KQL that this engine does not implement: refused by name. */
const UNSUPPORTED_OPERATORS = new Set([
  'as', 'consume', 'evaluate', 'facet', 'find', 'fork', 'getschema', 'invoke', 'join', 'lookup',
  'make-series', 'mv-apply', 'mv-expand', 'parse', 'parse-where', 'parse-kv', 'partition', 'project-keep',
  'project-reorder', 'reduce', 'sample', 'sample-distinct', 'scan', 'search', 'serialize', 'top-hitters',
  'top-nested', 'union', 'externaldata', 'range', 'print', 'datatable', 'extend-by', 'summarize-by',
]);

/** String operators written between two operands (`s has "x"`), with their `!` negations. */
const STRING_OPERATORS = new Set([
  'has', 'has_cs', 'contains', 'contains_cs', 'startswith', 'startswith_cs', 'endswith', 'endswith_cs', 'hasprefix', 'hassuffix',
]);

const COMPARISONS = new Set(['==', '!=', '<>', '<', '<=', '>', '>=', '=~', '!~']);

export function parseQuery(text: string): Query {
  return new Parser(text).parseQuery();
}

class Parser {
  private readonly lexer: Lexer;

  constructor(private readonly text: string) {
    this.lexer = new Lexer(text);
  }

  parseQuery(): Query {
    const lets: LetStatement[] = [];
    for (;;) {
      const token = this.lexer.peek();
      if (token.kind === 'punct' && token.text === ';') {
        this.lexer.next();
        continue;
      }
      if (this.isWord(token, 'let')) {
        lets.push(this.parseLet());
        continue;
      }
      break;
    }
    const body = this.parseTabular();
    let separated = false;
    while (this.isPunct(this.lexer.peek(), ';')) {
      this.lexer.next();
      separated = true;
    }
    const end = this.lexer.peek();
    if (end.kind !== 'eof') {
      if (separated) throw this.unsupported(end, 'more than one tabular statement in a query (it answers one result table)');
      throw this.syntax(end, "expected '|' or the end of the query");
    }
    return { lets, body };
  }

  // ---------- statements ----------

  private parseLet(): LetStatement {
    this.lexer.next();
    const nameToken = this.expectIdent('a name after `let`');
    this.expectPunct('=');
    let value: Expr | TabularExpr;
    const first = this.lexer.peek();
    if (this.isPunct(first, '(')) {
      throw this.unsupported(first, 'user-defined functions (`let f = (...) { ... }`)');
    }
    if (first.kind === 'ident' && this.isPunct(this.lexer.peek(1), '|')) value = this.parseTabular();
    else value = this.parseExpr();
    const end = this.lexer.peek();
    if (!this.isPunct(end, ';')) throw this.syntax(end, 'expected `;` after the `let` statement');
    this.lexer.next();
    return { name: nameToken.text, pos: this.pos(nameToken), value };
  }

  private parseTabular(): TabularExpr {
    const first = this.lexer.peek();
    if (first.kind !== 'ident') {
      if (this.isPunct(first, '(')) throw this.unsupported(first, 'parenthesised tabular expressions');
      throw this.syntax(first, 'expected a table name');
    }
    const name = this.operatorName();
    if (UNSUPPORTED_OPERATORS.has(name.text.toLowerCase())) throw this.unsupported(name.token, `the '${name.text}' operator`);
    const source: NameRef = { name: name.text, pos: this.pos(name.token) };
    const operators: Operator[] = [];
    while (this.isPunct(this.lexer.peek(), '|')) {
      this.lexer.next();
      operators.push(this.parseOperator());
    }
    return { source, operators };
  }

  /** Reads an operator name, joining dashed ones (`project-away`, `mv-expand`). */
  private operatorName(): { text: string; token: Token } {
    const token = this.lexer.next();
    let text = token.text;
    let last = token;
    for (;;) {
      const dash = this.lexer.peek();
      const word = this.lexer.peek(1);
      if (this.isPunct(dash, '-') && word.kind === 'ident' && this.lexer.adjacent(last, dash) && this.lexer.adjacent(dash, word)) {
        const joined = `${text}-${word.text}`;
        if (!/^(project-(away|rename|keep|reorder)|mv-(expand|apply)|make-series|top-(nested|hitters)|sample-distinct|parse-(where|kv))$/i.test(joined)) break;
        this.lexer.next();
        this.lexer.next();
        text = joined;
        last = word;
      } else break;
    }
    return { text, token: { ...token, text } };
  }

  private parseOperator(): Operator {
    const first = this.lexer.peek();
    if (first.kind !== 'ident') throw this.syntax(first, 'a query operator was expected');
    const { text, token } = this.operatorName();
    const pos = this.pos(token);
    switch (text) {
      case 'where':
      case 'filter':
        return { kind: 'where', predicate: this.parseExpr(), pos };
      case 'extend':
        return { kind: 'extend', items: this.parseAssignments(), pos };
      case 'project':
        return { kind: 'project', items: this.parseAssignments(), pos };
      case 'project-away':
        return { kind: 'project-away', names: this.parseNameList(), pos };
      case 'project-rename':
        return { kind: 'project-rename', renames: this.parseRenames(), pos };
      case 'summarize':
        return this.parseSummarize(pos);
      case 'order':
      case 'sort': {
        const by = this.lexer.next();
        if (!this.isWord(by, 'by')) throw this.syntax(by, `expected 'by' after '${text}'`);
        const keys: SortKey[] = [this.parseSortKey()];
        while (this.isPunct(this.lexer.peek(), ',')) {
          this.lexer.next();
          keys.push(this.parseSortKey());
        }
        return { kind: 'sort', keys, pos };
      }
      case 'top': {
        const count = this.parseExpr();
        const by = this.lexer.next();
        if (!this.isWord(by, 'by')) throw this.syntax(by, "expected 'by' after the number of rows of 'top'");
        return { kind: 'top', count, key: this.parseSortKey(), pos };
      }
      case 'take':
      case 'limit':
        return { kind: 'take', count: this.parseExpr(), pos };
      case 'count':
        return { kind: 'count', pos };
      case 'distinct': {
        if (this.isPunct(this.lexer.peek(), '*')) {
          this.lexer.next();
          return { kind: 'distinct', items: '*', pos };
        }
        return { kind: 'distinct', items: this.parseAssignments(), pos };
      }
      case 'render':
        this.skipRender();
        return { kind: 'render', pos };
      default:
        if (UNSUPPORTED_OPERATORS.has(text.toLowerCase())) throw this.unsupported(token, `the '${text}' operator`);
        throw this.syntax(token, 'a query operator was expected');
    }
  }

  private parseSummarize(pos: Pos): Operator {
    let aggregates: Assignment[] = [];
    if (!this.isWord(this.lexer.peek(), 'by') && !this.atOperatorEnd()) aggregates = this.parseAssignments();
    let by: Assignment[] = [];
    if (this.isWord(this.lexer.peek(), 'by')) {
      this.lexer.next();
      by = this.parseAssignments();
    }
    if (aggregates.length === 0 && by.length === 0) throw this.syntax(this.lexer.peek(), 'summarize needs an aggregation or a `by` clause');
    return { kind: 'summarize', aggregates, by, pos };
  }

  /** `render chart [with (...)]`: accepted and ignored, as the Logs API without `include-render` does. */
  private skipRender(): void {
    const chart = this.lexer.next();
    if (chart.kind !== 'ident') throw this.syntax(chart, 'expected a chart type after render');
    if (!this.isWord(this.lexer.peek(), 'with')) return;
    this.lexer.next();
    this.expectPunct('(');
    let depth = 1;
    while (depth > 0) {
      const token = this.lexer.next();
      if (token.kind === 'eof') throw this.syntax(token, "expected ')' to close render's 'with ('");
      if (this.isPunct(token, '(')) depth++;
      if (this.isPunct(token, ')')) depth--;
    }
  }

  private parseSortKey(): SortKey {
    const expr = this.parseExpr();
    let descending = true;
    const direction = this.lexer.peek();
    if (this.isWord(direction, 'asc') || this.isWord(direction, 'desc')) {
      this.lexer.next();
      descending = direction.text === 'desc';
    }
    let nullsFirst = !descending;
    if (this.isWord(this.lexer.peek(), 'nulls')) {
      this.lexer.next();
      const which = this.lexer.next();
      if (!this.isWord(which, 'first') && !this.isWord(which, 'last')) throw this.syntax(which, "expected 'first' or 'last' after 'nulls'");
      nullsFirst = which.text === 'first';
    }
    return { expr, descending, nullsFirst };
  }

  private parseAssignments(): Assignment[] {
    const items: Assignment[] = [this.parseAssignment()];
    while (this.isPunct(this.lexer.peek(), ',')) {
      this.lexer.next();
      items.push(this.parseAssignment());
    }
    return items;
  }

  private parseAssignment(): Assignment {
    const first = this.lexer.peek();
    const second = this.lexer.peek(1);
    if (first.kind === 'ident' && this.isPunct(second, '=')) {
      this.lexer.next();
      this.lexer.next();
      return { name: first.text, namePos: this.pos(first), expr: this.parseExpr() };
    }
    if (this.isPunct(first, '[')) {
      const ref = this.tryBracketName();
      if (ref && this.isPunct(this.lexer.peek(), '=')) {
        this.lexer.next();
        return { name: ref.name, namePos: ref.pos, expr: this.parseExpr() };
      }
      if (ref) return { expr: this.continuePostfix({ kind: 'name', name: ref.name, pos: ref.pos }) };
    }
    return { expr: this.parseExpr() };
  }

  private parseNameList(): NameRef[] {
    const names: NameRef[] = [this.parseNameRef()];
    while (this.isPunct(this.lexer.peek(), ',')) {
      this.lexer.next();
      names.push(this.parseNameRef());
    }
    return names;
  }

  private parseRenames(): Array<{ name: string; namePos: Pos; from: NameRef }> {
    const renames = [];
    do {
      if (renames.length > 0) this.lexer.next();
      const target = this.parseNameRef();
      this.expectPunct('=');
      renames.push({ name: target.name, namePos: target.pos, from: this.parseNameRef() });
    } while (this.isPunct(this.lexer.peek(), ','));
    return renames;
  }

  private parseNameRef(): NameRef {
    const bracket = this.tryBracketName();
    if (bracket) return bracket;
    const token = this.lexer.next();
    if (token.kind !== 'ident') throw this.syntax(token, 'expected a column name');
    if (this.isPunct(this.lexer.peek(), '*') && this.lexer.adjacent(token, this.lexer.peek())) {
      throw this.unsupported(token, 'column name wildcards');
    }
    return { name: token.text, pos: this.pos(token) };
  }

  /** `['column name']` */
  private tryBracketName(): NameRef | undefined {
    const open = this.lexer.peek();
    const str = this.lexer.peek(1);
    const close = this.lexer.peek(2);
    if (this.isPunct(open, '[') && str.kind === 'string' && this.isPunct(close, ']')) {
      this.lexer.next();
      this.lexer.next();
      this.lexer.next();
      return { name: str.value as string, pos: this.pos(open) };
    }
    return undefined;
  }

  // ---------- expressions ----------

  parseExpr(): Expr {
    return this.parseOr();
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isWord(this.lexer.peek(), 'or')) {
      const op = this.lexer.next();
      left = { kind: 'binary', op: 'or', left, right: this.parseAnd(), pos: this.pos(op) };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseComparison();
    while (this.isWord(this.lexer.peek(), 'and')) {
      const op = this.lexer.next();
      left = { kind: 'binary', op: 'and', left, right: this.parseComparison(), pos: this.pos(op) };
    }
    return left;
  }

  private parseComparison(): Expr {
    const left = this.parseAdditive();
    const token = this.lexer.peek();
    if (token.kind === 'punct' && COMPARISONS.has(token.text)) {
      this.lexer.next();
      const op = token.text === '<>' ? '!=' : token.text;
      return { kind: 'binary', op, left, right: this.parseAdditive(), pos: this.pos(token) };
    }
    let negate = false;
    let opToken = token;
    if (this.isPunct(token, '!') && this.lexer.peek(1).kind === 'ident' && this.lexer.adjacent(token, this.lexer.peek(1))) {
      negate = true;
      opToken = this.lexer.peek(1);
    }
    if (opToken.kind !== 'ident') return left;
    const word = opToken.text;
    const skip = () => {
      if (negate) this.lexer.next();
      this.lexer.next();
    };
    if (word === 'in') {
      skip();
      let caseInsensitive = false;
      const tilde = this.lexer.peek();
      if (this.isPunct(tilde, '~') && this.lexer.adjacent(opToken, tilde)) {
        this.lexer.next();
        caseInsensitive = true;
      }
      this.expectPunct('(');
      const list: Expr[] = [];
      if (!this.isPunct(this.lexer.peek(), ')')) {
        list.push(this.parseExpr());
        while (this.isPunct(this.lexer.peek(), ',')) {
          this.lexer.next();
          list.push(this.parseExpr());
        }
      }
      this.expectPunct(')');
      if (list.length === 0) throw this.syntax(this.lexer.peek(), "'in' needs at least one value");
      return { kind: 'in', negate, caseInsensitive, left, list, pos: this.pos(token) };
    }
    if (word === 'between') {
      skip();
      this.expectPunct('(');
      const low = this.parseAdditive();
      this.expectPunct('..');
      const high = this.parseAdditive();
      this.expectPunct(')');
      return { kind: 'between', negate, left, low, high, pos: this.pos(token) };
    }
    if (STRING_OPERATORS.has(word)) {
      skip();
      return { kind: 'binary', op: (negate ? '!' : '') + word, left, right: this.parseAdditive(), pos: this.pos(token) };
    }
    if (['matches', 'has_any', 'has_all', 'contains_any', 'hasprefix_cs', 'hassuffix_cs', 'startswith_any', 'in_cs'].includes(word)) {
      throw this.unsupported(opToken, `the '${negate ? '!' : ''}${word}' operator`);
    }
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    for (;;) {
      const token = this.lexer.peek();
      if (!this.isPunct(token, '+') && !this.isPunct(token, '-')) return left;
      this.lexer.next();
      left = { kind: 'binary', op: token.text, left, right: this.parseMultiplicative(), pos: this.pos(token) };
    }
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    for (;;) {
      const token = this.lexer.peek();
      if (!this.isPunct(token, '*') && !this.isPunct(token, '/') && !this.isPunct(token, '%')) return left;
      this.lexer.next();
      left = { kind: 'binary', op: token.text, left, right: this.parseUnary(), pos: this.pos(token) };
    }
  }

  private parseUnary(): Expr {
    const token = this.lexer.peek();
    if (this.isPunct(token, '-') || this.isPunct(token, '+')) {
      this.lexer.next();
      const operand = this.parseUnary();
      if (operand.kind === 'literal' && typeof operand.value === 'number' && token.text === '-') {
        return { ...operand, value: -operand.value, pos: this.pos(token) };
      }
      return { kind: 'unary', op: token.text as '-' | '+', operand, pos: this.pos(token) };
    }
    return this.continuePostfix(this.parsePrimary());
  }

  private continuePostfix(start: Expr): Expr {
    let expr = start;
    for (;;) {
      const token = this.lexer.peek();
      if (this.isPunct(token, '.')) {
        this.lexer.next();
        const quoted = this.tryBracketName();
        if (quoted) {
          expr = { kind: 'member', target: expr, member: quoted.name, pos: this.pos(token) };
          continue;
        }
        const member = this.lexer.next();
        if (member.kind !== 'ident') throw this.syntax(member, "expected a property name after '.'");
        expr = { kind: 'member', target: expr, member: member.text, pos: this.pos(token) };
      } else if (this.isPunct(token, '[')) {
        this.lexer.next();
        const index = this.parseExpr();
        this.expectPunct(']');
        expr = { kind: 'index', target: expr, index, pos: this.pos(token) };
      } else return expr;
    }
  }

  private parsePrimary(): Expr {
    const token = this.lexer.next();
    const pos = this.pos(token);
    switch (token.kind) {
      case 'string':
        return { kind: 'literal', type: 'string', value: token.value, pos };
      case 'number':
        return { kind: 'literal', type: token.isReal ? 'real' : 'long', value: token.value, pos };
      case 'timespan':
        return { kind: 'literal', type: 'timespan', value: token.value, pos };
      case 'punct':
        if (token.text === '(') {
          const inner = this.parseExpr();
          this.expectPunct(')');
          return inner;
        }
        if (token.text === '[') {
          this.lexer.seek(token.offset);
          const ref = this.tryBracketName();
          if (ref) return { kind: 'name', name: ref.name, pos: ref.pos };
          this.lexer.next();
        }
        throw this.syntax(token, 'an expression was expected');
      case 'ident':
        return this.parseIdentifierExpr(token, pos);
      default:
        throw this.syntax(token, 'an expression was expected');
    }
  }

  private parseIdentifierExpr(token: Token, pos: Pos): Expr {
    const word = token.text;
    if (word === 'true' || word === 'false') return { kind: 'literal', type: 'bool', value: word === 'true', pos };
    if (!this.isPunct(this.lexer.peek(), '(')) return { kind: 'name', name: word, pos };
    if (word === 'datetime' || word === 'dynamic' || word === 'timespan' || word === 'bool' || word === 'long' || word === 'int' || word === 'real' || word === 'double' || word === 'string') {
      return this.parseTypedLiteral(word, pos);
    }
    this.lexer.next();
    const args: Expr[] = [];
    if (!this.isPunct(this.lexer.peek(), ')')) {
      args.push(this.parseArgument());
      while (this.isPunct(this.lexer.peek(), ',')) {
        this.lexer.next();
        args.push(this.parseArgument());
      }
    }
    this.expectPunct(')');
    return { kind: 'call', name: word, args, pos };
  }

  private parseArgument(): Expr {
    const token = this.lexer.peek();
    if (this.isPunct(token, '*')) throw this.unsupported(token, "'*' as a function argument");
    return this.parseExpr();
  }

  /** `datetime(2024-01-01 10:00)`, `dynamic({"a":1})`, `long(null)`: the inside is raw text. */
  private parseTypedLiteral(word: string, pos: Pos): Expr {
    const open = this.lexer.next();
    const close = this.matchingParen(open.offset);
    const raw = this.text.slice(open.offset + 1, close).trim();
    this.lexer.seek(close + 1);
    const fail = (what: string): never => {
      throw new KqlError(`Syntax error at '${word}(${raw})' (line ${pos.line}, column ${pos.column}): ${what}.`, 'SyntaxError', pos.line, pos.column, `${word}(${raw})`);
    };
    if (raw === 'null') {
      if (word === 'string') fail('a string is never null; use ""');
      const type: KqlType = word === 'double' ? 'real' : (word as KqlType);
      return { kind: 'literal', type, value: null, pos };
    }
    switch (word) {
      case 'datetime': {
        const value = parseDatetimeText(raw.replace(/^["']|["']$/g, ''));
        if (value === null) fail('not a valid datetime literal');
        return { kind: 'literal', type: 'datetime', value, pos };
      }
      case 'dynamic': {
        try {
          return { kind: 'literal', type: 'dynamic', value: JSON.parse(raw.replace(/'/g, '"')), pos };
        } catch {
          return fail('not a valid dynamic (JSON) literal');
        }
      }
      case 'bool':
        if (raw === 'true' || raw === 'false') return { kind: 'literal', type: 'bool', value: raw === 'true', pos };
        return fail('not a valid bool literal');
      case 'string':
        return fail('use a quoted string literal');
      default: {
        if (word === 'timespan') {
          const sub = new Lexer(raw);
          const t = sub.next();
          if (t.kind === 'timespan' && sub.peek().kind === 'eof') return { kind: 'literal', type: 'timespan', value: t.value, pos };
          return fail('not a valid timespan literal');
        }
        const n = Number(raw);
        if (raw === '' || !Number.isFinite(n)) return fail(`not a valid ${word} literal`);
        const type = word === 'double' ? 'real' : (word as 'long' | 'int' | 'real');
        if (type !== 'real' && !Number.isInteger(n)) return fail(`not a valid ${word} literal`);
        return { kind: 'literal', type, value: n, pos };
      }
    }
  }

  private matchingParen(openOffset: number): number {
    let depth = 0;
    let quote = '';
    for (let i = openOffset; i < this.text.length; i++) {
      const c = this.text[i];
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return i;
    }
    const { line, column } = this.lexer.position(openOffset);
    throw new KqlError(`Syntax error (line ${line}, column ${column}): ')' expected.`, 'SyntaxError', line, column, '(');
  }

  // ---------- helpers ----------

  private atOperatorEnd(): boolean {
    const token = this.lexer.peek();
    return token.kind === 'eof' || this.isPunct(token, '|') || this.isPunct(token, ';');
  }

  private isPunct(token: Token, text: string): boolean {
    return token.kind === 'punct' && token.text === text;
  }

  private isWord(token: Token, word: string): boolean {
    return token.kind === 'ident' && token.text === word;
  }

  private expectPunct(text: string): Token {
    const token = this.lexer.next();
    if (!this.isPunct(token, text)) throw this.syntax(token, `'${text}' expected`);
    return token;
  }

  private expectIdent(what: string): Token {
    const token = this.lexer.next();
    if (token.kind !== 'ident') throw this.syntax(token, `expected ${what}`);
    return token;
  }

  private pos(token: Token): Pos {
    return { offset: token.offset, line: token.line, column: token.column, text: token.text };
  }

  private syntax(token: Token, what: string): KqlError {
    const shown = token.kind === 'eof' ? '<end of query>' : token.text;
    return new KqlError(
      `Query could not be parsed at '${shown}' on line [${token.line},${token.column}]: ${what}.`,
      'SyntaxError', token.line, token.column, shown,
    );
  }

  private unsupported(token: Token, what: string): KqlError {
    return new KqlError(
      `The sandbox's KQL engine does not support ${what} (line ${token.line}, column ${token.column}). ` +
        'Rewrite the query with the operators and functions the course uses, or run it against Azure.',
      'SemanticError', token.line, token.column, token.text,
    );
  }
}

/** Reads the datetime forms KQL accepts (`2024-01-01`, `2024-01-01 10:00`, ISO 8601), as UTC. */
export function parseDatetimeText(text: string): number | null {
  const trimmed = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(trimmed);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ? m[7].slice(0, 4) : ''}${m[8] ?? 'Z'}`;
  const value = Date.parse(iso);
  return Number.isNaN(value) ? null : value;
}

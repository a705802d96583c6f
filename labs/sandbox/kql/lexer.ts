/**
 * Splits KQL text into tokens, each with its offset, line and column, read on demand so the
 * parser can take raw text (the inside of `datetime(...)` and `dynamic(...)`) and go on after it.
 */
import { KqlError } from './types.ts';

export type TokenKind = 'ident' | 'string' | 'number' | 'timespan' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  /** Strings: the unescaped value; numbers and timespans (milliseconds): the numeric value. */
  value?: string | number;
  /** Numbers: true for a real literal (`1.5`, `1e3`). */
  isReal?: boolean;
  offset: number;
  line: number;
  column: number;
}

const PUNCTUATION = ['==', '!=', '<>', '<=', '>=', '=~', '!~', '..', '|', '(', ')', '[', ']', '{', '}', ',', ';', '.', '=', '<', '>', '+', '-', '*', '/', '%', '!', ':', '~'];

const MS_PER_UNIT: Record<string, number> = {
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1,
  microsecond: 0.001, microseconds: 0.001, tick: 0.0001, ticks: 0.0001,
};

export class Lexer {
  private pos = 0;
  private readonly lineStarts: number[] = [0];
  private buffer: Token[] = [];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }

  peek(ahead = 0): Token {
    while (this.buffer.length <= ahead) this.buffer.push(this.scan());
    return this.buffer[ahead];
  }

  next(): Token {
    const token = this.peek();
    this.buffer.shift();
    return token;
  }

  /** Continues lexing at `offset`, dropping any token already looked ahead. */
  seek(offset: number): void {
    this.pos = offset;
    this.buffer = [];
  }

  /** True when the token starts right where the previous one ended (`!in`, `project-away`). */
  adjacent(first: Token, second: Token): boolean {
    return first.offset + first.text.length === second.offset;
  }

  private error(message: string, offset: number, token: string): KqlError {
    const { line, column } = this.position(offset);
    return new KqlError(`Query could not be parsed at '${token}' on line [${line},${column}]: ${message}`, 'SyntaxError', line, column, token);
  }

  private make(kind: TokenKind, start: number, extra: Partial<Token> = {}): Token {
    const { line, column } = this.position(start);
    return { kind, text: this.text.slice(start, this.pos), offset: start, line, column, ...extra };
  }

  private skipTrivia(): void {
    const text = this.text;
    for (;;) {
      const c = text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '/' && text[this.pos + 1] === '/') {
        while (this.pos < text.length && text[this.pos] !== '\n') this.pos++;
      } else return;
    }
  }

  private scan(): Token {
    this.skipTrivia();
    const text = this.text;
    const start = this.pos;
    if (start >= text.length) return this.make('eof', start);
    const c = text[start];

    if (/[A-Za-z_]/.test(c)) {
      this.pos++;
      while (this.pos < text.length && /[A-Za-z0-9_]/.test(text[this.pos])) this.pos++;
      return this.make('ident', start);
    }
    if (c === '@' && (text[start + 1] === '"' || text[start + 1] === "'")) {
      const quote = text[start + 1];
      const end = text.indexOf(quote, start + 2);
      if (end < 0) throw this.error('unterminated string literal.', start, text.slice(start, start + 10));
      this.pos = end + 1;
      return this.make('string', start, { value: text.slice(start + 2, end) });
    }
    if (c === '"' || c === "'") return this.scanString(start, c);
    if (/[0-9]/.test(c)) return this.scanNumber(start);
    for (const p of PUNCTUATION) {
      if (text.startsWith(p, start)) {
        this.pos = start + p.length;
        return this.make('punct', start);
      }
    }
    throw this.error(`unexpected character '${c}'.`, start, c);
  }

  private scanString(start: number, quote: string): Token {
    const text = this.text;
    let value = '';
    let i = start + 1;
    for (;;) {
      if (i >= text.length || text[i] === '\n') throw this.error('unterminated string literal.', start, text.slice(start, i));
      const ch = text[i];
      if (ch === quote) break;
      if (ch === '\\') {
        const esc = text[i + 1];
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };
        if (esc in map) value += map[esc];
        else throw this.error(`unknown escape sequence '\\${esc}' in a string literal.`, i, `\\${esc}`);
        i += 2;
        continue;
      }
      value += ch;
      i++;
    }
    this.pos = i + 1;
    return this.make('string', start, { value });
  }

  private scanNumber(start: number): Token {
    const text = this.text;
    const hex = /^0x[0-9a-fA-F]+/.exec(text.slice(start, start + 20));
    if (hex) {
      this.pos = start + hex[0].length;
      return this.make('number', start, { value: parseInt(hex[0], 16), isReal: false });
    }
    const match = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(start, start + 64))!;
    this.pos = start + match[0].length;
    const isReal = match[1] !== undefined || match[2] !== undefined;
    const unit = /^[A-Za-z]+/.exec(text.slice(this.pos, this.pos + 16));
    if (unit) {
      const factor = MS_PER_UNIT[unit[0].toLowerCase()];
      this.pos += unit[0].length;
      if (factor === undefined || match[2] !== undefined) {
        throw this.error('not a valid number or timespan literal.', start, text.slice(start, this.pos));
      }
      return this.make('timespan', start, { value: Number(match[0]) * factor });
    }
    return this.make('number', start, { value: Number(match[0]), isReal });
  }
}

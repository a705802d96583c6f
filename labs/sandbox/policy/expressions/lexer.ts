/**
 * Splits the text of a policy expression (the C# subset the sandbox understands) into tokens.
 */

export type TokenKind = 'identifier' | 'string' | 'interpolated' | 'number' | 'char' | 'punct' | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Decoded value for string, char and number tokens; raw parts for interpolated strings. */
  value?: string | number;
  pos: number;
}

export class ExpressionError extends Error {
  constructor(message: string, readonly pos: number) {
    super(message);
    this.name = 'ExpressionError';
  }
}

const PUNCTUATORS = ['?.', '??', '==', '!=', '<=', '>=', '&&', '||', '=>', '+', '-', '*', '/', '%', '!', '<', '>', '(', ')', '[', ']', '{', '}', '.', ',', ';', ':', '?', '='];
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0', '\\': '\\', '"': '"', "'": "'" };

function readRegularString(source: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start;
  while (i < source.length && source[i] !== '"') {
    if (source[i] === '\\') {
      const escaped = ESCAPES[source[i + 1]];
      if (escaped === undefined) throw new ExpressionError(`unsupported escape sequence '\\${source[i + 1]}'`, i);
      value += escaped;
      i += 2;
    } else value += source[i++];
  }
  if (i >= source.length) throw new ExpressionError('unterminated string literal', start - 1);
  return { value, end: i + 1 };
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(ch)) {
      while (i < source.length && /[A-Za-z0-9_]/.test(source[i])) i++;
      tokens.push({ kind: 'identifier', text: source.slice(start, i), pos: start });
    } else if (/[0-9]/.test(ch)) {
      while (i < source.length && /[0-9.]/.test(source[i])) i++;
      if (/[LlDdMmFf]/.test(source[i] ?? '')) i++;
      const text = source.slice(start, i);
      tokens.push({ kind: 'number', text, value: Number.parseFloat(text), pos: start });
    } else if (ch === '"') {
      const { value, end } = readRegularString(source, i + 1);
      tokens.push({ kind: 'string', text: source.slice(start, end), value, pos: start });
      i = end;
    } else if (ch === '@' && source[i + 1] === '"') {
      let value = '';
      i += 2;
      while (i < source.length && !(source[i] === '"' && source[i + 1] !== '"')) {
        value += source[i];
        i += source[i] === '"' ? 2 : 1;
      }
      if (i >= source.length) throw new ExpressionError('unterminated verbatim string literal', start);
      i++;
      tokens.push({ kind: 'string', text: source.slice(start, i), value, pos: start });
    } else if (ch === '$' && source[i + 1] === '"') {
      const { end } = readRegularString(source, i + 2);
      tokens.push({ kind: 'interpolated', text: source.slice(start, end), value: source.slice(start + 2, end - 1), pos: start });
      i = end;
    } else if (ch === "'") {
      const escaped = source[i + 1] === '\\';
      const value = escaped ? ESCAPES[source[i + 2]] : source[i + 1];
      const end = i + (escaped ? 4 : 3);
      if (value === undefined || source[end - 1] !== "'") throw new ExpressionError('invalid character literal', start);
      tokens.push({ kind: 'char', text: source.slice(start, end), value, pos: start });
      i = end;
    } else {
      const punct = PUNCTUATORS.find((p) => source.startsWith(p, i));
      if (!punct) throw new ExpressionError(`unexpected character '${ch}'`, i);
      tokens.push({ kind: 'punct', text: punct, pos: start });
      i += punct.length;
    }
  }
  tokens.push({ kind: 'end', text: '', pos: source.length });
  return tokens;
}

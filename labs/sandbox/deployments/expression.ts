/**
 * The ARM template expression language: a JSON string that starts with `[` and ends with `]`
 * holds an expression such as `[format('{0}/{1}', parameters('a'), variables('b').name)]`.
 *
 * This file parses that text into a small syntax tree. It knows nothing about what the
 * functions do (see functions.ts). Isomorphic: no Node modules.
 */

export type Expr =
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'call'; name: string; args: Expr[]; at: number }
  | { kind: 'property'; target: Expr; name: string; at: number }
  | { kind: 'index'; target: Expr; index: Expr; at: number };

/** A template language error, reported by ARM as `InvalidTemplate`. */
export class TemplateExpressionError extends Error {
  constructor(message: string, readonly position?: number) {
    super(message);
    this.name = 'TemplateExpressionError';
  }
}

/** What a JSON string value means: plain text, or an expression to evaluate. */
export type StringValue = { kind: 'literal'; value: string } | { kind: 'expression'; source: string };

/** `[[x]` is the escaped literal `[x]`; `[x]` is an expression; anything else is plain text. */
export function classifyString(text: string): StringValue {
  if (text.startsWith('[[')) return { kind: 'literal', value: text.slice(1) };
  if (text.startsWith('[') && text.endsWith(']') && text.length >= 2) {
    return { kind: 'expression', source: text.slice(1, -1) };
  }
  return { kind: 'literal', value: text };
}

type Token =
  | { type: 'string'; value: string; at: number }
  | { type: 'number'; value: number; at: number }
  | { type: 'identifier'; value: string; at: number }
  | { type: 'punct'; value: '(' | ')' | ',' | '.' | '[' | ']'; at: number }
  | { type: 'end'; at: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === "'") {
      const start = i;
      let value = '';
      i += 1;
      for (;;) {
        if (i >= source.length) throw new TemplateExpressionError(`The string starting at position ${start + 1} is not closed with a single quote (').`, start);
        if (source[i] === "'") {
          if (source[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += source[i];
        i += 1;
      }
      tokens.push({ type: 'string', value, at: start });
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(source.slice(i))!;
      tokens.push({ type: 'number', value: Number(match[0]), at: i });
      i += match[0].length;
    } else if (/[A-Za-z_$]/.test(ch)) {
      const match = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(i))!;
      tokens.push({ type: 'identifier', value: match[0], at: i });
      i += match[0].length;
    } else if ('(),.[]'.includes(ch)) {
      tokens.push({ type: 'punct', value: ch as '(' | ')' | ',' | '.' | '[' | ']', at: i });
      i += 1;
    } else {
      throw new TemplateExpressionError(`The character '${ch}' at position ${i + 1} is not expected in a template language expression.`, i);
    }
  }
  tokens.push({ type: 'end', at: source.length });
  return tokens;
}

/** Parses the text between the outer brackets of `[...]`. */
export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = (): Token => tokens[pos];
  const describe = (t: Token): string => (t.type === 'end' ? 'the end of the expression' : `'${String(t.value)}' at position ${t.at + 1}`);
  const expectPunct = (value: string): void => {
    const t = tokens[pos];
    if (t.type !== 'punct' || t.value !== value) throw new TemplateExpressionError(`Expected '${value}' but found ${describe(t)}.`, t.at);
    pos += 1;
  };

  function primary(): Expr {
    const t = tokens[pos];
    if (t.type === 'string') {
      pos += 1;
      return { kind: 'string', value: t.value, at: t.at };
    }
    if (t.type === 'number') {
      pos += 1;
      return { kind: 'number', value: t.value, at: t.at };
    }
    if (t.type === 'identifier') {
      pos += 1;
      const next = peek();
      if (next.type !== 'punct' || next.value !== '(') {
        throw new TemplateExpressionError(`The name '${t.value}' at position ${t.at + 1} must be a function call such as '${t.value}()'.`, t.at);
      }
      pos += 1;
      const args: Expr[] = [];
      const close = peek();
      if (!(close.type === 'punct' && close.value === ')')) {
        for (;;) {
          args.push(expression());
          const sep = peek();
          if (sep.type === 'punct' && sep.value === ',') {
            pos += 1;
            continue;
          }
          break;
        }
      }
      expectPunct(')');
      return { kind: 'call', name: t.value, args, at: t.at };
    }
    throw new TemplateExpressionError(`Expected a function call, a string or a number but found ${describe(t)}.`, t.at);
  }

  function expression(): Expr {
    let node = primary();
    for (;;) {
      const t = peek();
      if (t.type === 'punct' && t.value === '.') {
        pos += 1;
        const name = peek();
        if (name.type !== 'identifier') throw new TemplateExpressionError(`Expected a property name after '.' but found ${describe(name)}.`, name.at);
        pos += 1;
        node = { kind: 'property', target: node, name: name.value, at: name.at };
      } else if (t.type === 'punct' && t.value === '[') {
        pos += 1;
        const index = expression();
        expectPunct(']');
        node = { kind: 'index', target: node, index, at: t.at };
      } else {
        return node;
      }
    }
  }

  if (peek().type === 'end') throw new TemplateExpressionError('The template language expression is empty.', 0);
  const root = expression();
  const rest = peek();
  if (rest.type !== 'end') throw new TemplateExpressionError(`Unexpected ${describe(rest)} after the end of the expression.`, rest.at);
  return root;
}

/** Every function name an expression calls, in order of appearance. */
export function functionNames(expr: Expr): string[] {
  switch (expr.kind) {
    case 'call':
      return [expr.name, ...expr.args.flatMap(functionNames)];
    case 'property':
      return functionNames(expr.target);
    case 'index':
      return [...functionNames(expr.target), ...functionNames(expr.index)];
    default:
      return [];
  }
}

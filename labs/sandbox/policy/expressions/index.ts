/**
 * Policy expressions (`@(...)` and `@{...}`): compile once when a policy is loaded (parse + check
 * against the supported subset), evaluate at request time.
 */
import { checkProgram } from './check.ts';
import { evaluateProgram } from './evaluate.ts';
import { ExpressionError } from './lexer.ts';
import { parseExpression } from './parser.ts';

export { ExpressionError } from './lexer.ts';
export { ExpressionRuntimeError, toCSharpString } from './types.ts';

export interface CompiledExpression {
  source: string;
  evaluate(context: unknown): unknown;
}

/** True when an attribute value or element text is a policy expression rather than a literal. */
export function isExpression(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.startsWith('@(') || trimmed.startsWith('@{');
}

/** Parses and checks an expression; throws `ExpressionError` (with the offset of the problem) when it is refused. */
export function compileExpression(source: string): CompiledExpression {
  const program = parseExpression(source);
  checkProgram(program);
  return { source, evaluate: (context) => evaluateProgram(program, context) };
}

/** A short, one-line form of an expression for error messages. */
export function quoteExpression(source: string): string {
  const flat = source.trim().replace(/\s+/g, ' ');
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

export function isExpressionError(error: unknown): error is ExpressionError {
  return error instanceof ExpressionError;
}

/**
 * Evaluates template language expressions and walks JSON values, replacing every `[...]` string
 * with the value of its expression. `if`, `and` and `or` evaluate only what they need, as ARM's
 * do. Isomorphic: no Node modules.
 */
import { classifyString, parseExpression, TemplateExpressionError, type Expr } from './expression.ts';
import { builtin, getProperty, isAzureFunction, supportedFunctionNames, typeName, type FunctionContext, type JsonValue } from './functions.ts';

/** A function Azure knows but the sandbox does not implement. */
export class UnsupportedFunctionError extends TemplateExpressionError {
  constructor(readonly functionName: string) {
    super(
      `The template function '${functionName}' is valid in Azure Resource Manager but the local sandbox does not support it. ` +
        `Deploy this template to Azure, or use one of the functions the sandbox supports: ${supportedFunctionNames().join(', ')}.`,
    );
  }
}

/** A function name Azure Resource Manager does not know at all. */
export function unknownFunctionMessage(name: string): string {
  return `The template function '${name}' is not valid. Please see https://aka.ms/arm-functions for usage details.`;
}

async function evaluateLogical(name: string, args: Expr[], ctx: FunctionContext): Promise<JsonValue> {
  const lower = name.toLowerCase();
  if (lower === 'if') {
    if (args.length !== 3) throw new TemplateExpressionError(`Unable to evaluate template language function 'if': it expects 3 parameters but got ${args.length}.`);
    const condition = await evaluateExpression(args[0], ctx);
    if (typeof condition !== 'boolean') throw new TemplateExpressionError(`Unable to evaluate template language function 'if': the condition must be a Boolean, but it is of type '${typeName(condition)}'.`);
    return evaluateExpression(condition ? args[1] : args[2], ctx);
  }
  if (args.length < 2) throw new TemplateExpressionError(`Unable to evaluate template language function '${name}': it expects at least 2 parameters.`);
  const stopOn = lower === 'or';
  for (const arg of args) {
    const value = await evaluateExpression(arg, ctx);
    if (typeof value !== 'boolean') throw new TemplateExpressionError(`Unable to evaluate template language function '${name}': every parameter must be a Boolean, but one is of type '${typeName(value)}'.`);
    if (value === stopOn) return stopOn;
  }
  return !stopOn;
}

export async function evaluateExpression(expr: Expr, ctx: FunctionContext): Promise<JsonValue> {
  switch (expr.kind) {
    case 'string':
    case 'number':
      return expr.value;
    case 'call': {
      if (['if', 'and', 'or'].includes(expr.name.toLowerCase())) return evaluateLogical(expr.name, expr.args, ctx);
      const fn = builtin(expr.name);
      if (fn === undefined) {
        if (isAzureFunction(expr.name)) throw new UnsupportedFunctionError(expr.name);
        throw new TemplateExpressionError(unknownFunctionMessage(expr.name));
      }
      const args: JsonValue[] = [];
      for (const arg of expr.args) args.push(await evaluateExpression(arg, ctx));
      return fn(args, ctx);
    }
    case 'property': {
      const target = await evaluateExpression(expr.target, ctx);
      const value = getProperty(target, expr.name);
      if (value === undefined) {
        const available = target !== null && typeof target === 'object' && !Array.isArray(target) ? Object.keys(target) : [];
        throw new TemplateExpressionError(
          available.length > 0
            ? `The language expression property '${expr.name}' doesn't exist, available properties are '${available.join(', ')}'.`
            : `The language expression property '${expr.name}' can't be evaluated, the value is of type '${typeName(target)}'.`,
        );
      }
      return value;
    }
    case 'index': {
      const target = await evaluateExpression(expr.target, ctx);
      const index = await evaluateExpression(expr.index, ctx);
      if (Array.isArray(target)) {
        if (typeof index !== 'number' || !Number.isInteger(index)) throw new TemplateExpressionError(`The language expression array index must be an Integer, but it is of type '${typeName(index)}'.`);
        if (index < 0 || index >= target.length) throw new TemplateExpressionError(`The language expression property array index '${index}' is out of bounds.`);
        return target[index];
      }
      if (typeof index === 'string') {
        const value = getProperty(target, index);
        if (value === undefined) throw new TemplateExpressionError(`The language expression property '${index}' doesn't exist.`);
        return value;
      }
      throw new TemplateExpressionError(`The language expression index can't be applied to a value of type '${typeName(target)}'.`);
    }
  }
}

/** Evaluates one JSON string: an expression, an escaped `[[` literal, or plain text. */
export async function evaluateString(text: string, ctx: FunctionContext): Promise<JsonValue> {
  const classified = classifyString(text);
  if (classified.kind === 'literal') return classified.value;
  return evaluateExpression(parseExpression(classified.source), ctx);
}

/**
 * Evaluates every expression inside a JSON value (object keys included). `evaluateText` decides
 * what one string becomes (what-if passes one that keeps unresolvable expressions as text).
 */
export async function evaluateValue(
  value: unknown,
  ctx: FunctionContext,
  evaluateText: (text: string, ctx: FunctionContext) => Promise<JsonValue> = evaluateString,
): Promise<JsonValue> {
  if (typeof value === 'string') return evaluateText(value, ctx);
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (const item of value) out.push(await evaluateValue(item, ctx, evaluateText));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) {
      const evaluatedKey = await evaluateText(key, ctx);
      out[typeof evaluatedKey === 'string' ? evaluatedKey : String(evaluatedKey)] = await evaluateValue(item, ctx, evaluateText);
    }
    return out;
  }
  return (value ?? null) as JsonValue;
}

/** Every expression inside a JSON value, parsed (throws the first syntax error). */
export function collectExpressions(value: unknown, out: Expr[] = []): Expr[] {
  if (typeof value === 'string') {
    const classified = classifyString(value);
    if (classified.kind === 'expression') out.push(parseExpression(classified.source));
  } else if (Array.isArray(value)) {
    for (const item of value) collectExpressions(item, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      collectExpressions(key, out);
      collectExpressions(item, out);
    }
  }
  return out;
}

/**
 * Reading a policy element's attribute values and texts at run time: a policy expression is
 * evaluated against the call's context, a literal has its `{{named values}}` filled in.
 */
import { compileExpression, isExpression, toCSharpString, type CompiledExpression } from '../policy/expressions/index.ts';
import type { PolicyElement } from '../policy/index.ts';
import type { Call } from './call.ts';
import { resolveNamedValues } from './named-values.ts';

const compiled = new Map<string, CompiledExpression>();

function expression(source: string): CompiledExpression {
  let found = compiled.get(source);
  if (!found) {
    if (compiled.size > 2000) compiled.clear();
    found = compileExpression(source);
    compiled.set(source, found);
  }
  return found;
}

/** The raw value of an attribute or text: the expression's result, or the literal with named values filled in. */
export function evaluateValue(call: Call, text: string): unknown {
  if (isExpression(text)) {
    // Named values are filled into an expression's text before it runs, as API Management does.
    const source = text.includes('{{') ? resolveNamedValues(call.deps.resources, call.service, text) : text;
    return expression(source.trim()).evaluate(call.context);
  }
  return resolveNamedValues(call.deps.resources, call.service, text);
}

export function stringValue(call: Call, text: string): string {
  return toCSharpString(evaluateValue(call, text));
}

export function attribute(call: Call, element: PolicyElement, name: string): string | undefined {
  const raw = element.attributes[name];
  return raw === undefined ? undefined : stringValue(call, raw);
}

export function numberAttribute(call: Call, element: PolicyElement, name: string): number | undefined {
  const value = attribute(call, element, name);
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`The '${name}' attribute of '${element.name}' evaluated to '${value}', which is not a number.`);
  return parsed;
}

export function booleanAttribute(call: Call, element: PolicyElement, name: string, fallback: boolean): boolean {
  const value = attribute(call, element, name);
  return value === undefined ? fallback : value.trim().toLowerCase() === 'true';
}

export function elementText(call: Call, element: PolicyElement): string {
  return stringValue(call, element.text.trim());
}

/**
 * Runs a checked expression against a policy context. No `eval`: a tree walk over the syntax tree,
 * with C#'s rules for null, string concatenation and casts.
 */
import type { CastType, Expr, Program, Statement } from './ast.ts';
import { ExpressionRuntimeError, TYPES, lookupMethod, toCSharpString } from './types.ts';

const NULL_REFERENCE = 'Object reference not set to an instance of an object.';

function cast(to: CastType, value: unknown): unknown {
  if (to === 'object') return value;
  if (value === null || value === undefined) {
    if (to === 'string') return null;
    throw new ExpressionRuntimeError(NULL_REFERENCE);
  }
  const ok = to === 'string' ? typeof value === 'string' : to === 'bool' ? typeof value === 'boolean' : typeof value === 'number';
  if (!ok) throw new ExpressionRuntimeError(`Unable to cast object of type '${typeof value === 'string' ? 'System.String' : typeof value === 'boolean' ? 'System.Boolean' : 'System.Object'}' to type '${to}'.`);
  return to === 'int' || to === 'long' ? Math.trunc(value as number) : value;
}

function binary(op: string, left: unknown, right: () => unknown): unknown {
  switch (op) {
    case '&&':
      return left === true && right() === true;
    case '||':
      return left === true || right() === true;
    case '??':
      return left ?? right();
  }
  const r = right();
  switch (op) {
    case '+':
      return typeof left === 'number' && typeof r === 'number' ? left + r : toCSharpString(left) + toCSharpString(r);
    case '-': return (left as number) - (r as number);
    case '*': return (left as number) * (r as number);
    case '/': {
      if (r === 0 && Number.isInteger(left) && Number.isInteger(r)) throw new ExpressionRuntimeError('Attempted to divide by zero.');
      const q = (left as number) / (r as number);
      return Number.isInteger(left) && Number.isInteger(r) ? Math.trunc(q) : q;
    }
    case '%': return (left as number) % (r as number);
    case '<': return (left as number) < (r as number);
    case '>': return (left as number) > (r as number);
    case '<=': return (left as number) <= (r as number);
    case '>=': return (left as number) >= (r as number);
    case '==': return (left ?? null) === (r ?? null);
    case '!=': return (left ?? null) !== (r ?? null);
  }
  throw new ExpressionRuntimeError(`Operator '${op}' is not supported.`);
}

class Evaluator {
  private readonly scopes: Array<Map<string, unknown>> = [];
  constructor(private readonly context: unknown) {}

  private find(name: string): Map<string, unknown> | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i].has(name)) return this.scopes[i];
    return undefined;
  }

  expr(node: Expr): unknown {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'name':
        if (node.name === 'context') return this.context;
        return this.find(node.name)?.get(node.name) ?? null;
      case 'member': {
        const target = this.expr(node.target);
        if (target === null || target === undefined) {
          if (node.nullConditional) return null;
          throw new ExpressionRuntimeError(NULL_REFERENCE);
        }
        if (node.name === 'Length' && typeof target === 'string') return target.length;
        return (target as Record<string, unknown>)[node.name] ?? null;
      }
      case 'index': {
        const target = this.expr(node.target);
        if (target === null || target === undefined) {
          if (node.nullConditional) return null;
          throw new ExpressionRuntimeError(NULL_REFERENCE);
        }
        return TYPES[node.target.type ?? '']?.indexer?.get(target, this.expr(node.index)) ?? null;
      }
      case 'call': {
        const targetType = node.target.type ?? '';
        const isStatic = targetType.startsWith('static:');
        const target = isStatic ? null : this.expr(node.target);
        if (!isStatic && (target === null || target === undefined)) {
          if (node.nullConditional) return null;
          throw new ExpressionRuntimeError(NULL_REFERENCE);
        }
        const method = isStatic ? TYPES[targetType.slice(7)]?.methods?.[node.name] : lookupMethod(targetType === 'object' || targetType === 'null' ? '' : targetType, node.name) ?? lookupMethod('', node.name);
        if (!method) throw new ExpressionRuntimeError(`Method '${node.name}' is not supported.`);
        return method.run(target, node.args.map((arg) => this.expr(arg))) ?? null;
      }
      case 'unary': {
        const value = this.expr(node.operand);
        return node.op === '!' ? !value : -(value as number);
      }
      case 'binary':
        return binary(node.op, this.expr(node.left), () => this.expr(node.right));
      case 'conditional':
        return this.expr(node.test) === true ? this.expr(node.whenTrue) : this.expr(node.whenFalse);
      case 'cast':
        return cast(node.to, this.expr(node.operand));
      case 'interpolated':
        return node.parts.map((part) => (typeof part === 'string' ? part : toCSharpString(this.expr(part)))).join('');
    }
  }

  /** Runs statements; returns `{ value }` when a `return` ran. */
  statements(body: Statement[]): { value: unknown } | undefined {
    this.scopes.push(new Map());
    try {
      for (const statement of body) {
        switch (statement.kind) {
          case 'declare': {
            const value = this.expr(statement.value);
            this.scopes[this.scopes.length - 1].set(statement.name, statement.declaredType ? cast(statement.declaredType, value) : value);
            break;
          }
          case 'assign':
            this.find(statement.name)?.set(statement.name, this.expr(statement.value));
            break;
          case 'return':
            return { value: this.expr(statement.value) };
          case 'if': {
            const result = this.statements(this.expr(statement.test) === true ? statement.then : statement.otherwise);
            if (result) return result;
            break;
          }
        }
      }
      return undefined;
    } finally {
      this.scopes.pop();
    }
  }
}

export function evaluateProgram(program: Program, context: unknown): unknown {
  const evaluator = new Evaluator(context);
  if (program.kind === 'expression') return evaluator.expr(program.body);
  return evaluator.statements(program.body)?.value ?? null;
}

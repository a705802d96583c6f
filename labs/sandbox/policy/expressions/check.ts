/**
 * Static check of a parsed expression against the supported subset: every name, member, method
 * and operator must be known, with compatible types. Fills in each node's `type`, which the
 * evaluator uses to pick method implementations. Throws `ExpressionError` naming what is refused.
 */
import type { CastType, Expr, Program, Statement } from './ast.ts';
import { ExpressionError } from './lexer.ts';
import { STATIC_TYPES, TYPES, lookupMethod, propertyNames, type ValueType } from './types.ts';

const CAST_RESULT: Record<CastType, ValueType> = { string: 'string', int: 'number', long: 'number', double: 'number', bool: 'bool', object: 'object' };

function accepts(param: ValueType, actual: ValueType): boolean {
  if (param === 'any' || actual === param || actual === 'object') return true;
  return actual === 'null' && param === 'string';
}

function describe(type: ValueType): string {
  return type === 'number' ? 'number' : type === 'Context' ? 'context' : type;
}

class Checker {
  private readonly scopes: Array<Map<string, ValueType>> = [new Map()];

  private local(name: string): ValueType | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const type = this.scopes[i].get(name);
      if (type !== undefined) return type;
    }
    return undefined;
  }

  expr(node: Expr): ValueType {
    node.type = this.infer(node);
    return node.type;
  }

  private infer(node: Expr): ValueType {
    switch (node.kind) {
      case 'literal':
        return node.value === null ? 'null' : typeof node.value === 'boolean' ? 'bool' : typeof node.value === 'number' ? 'number' : 'string';
      case 'name': {
        if (node.name === 'context') return 'Context';
        const local = this.local(node.name);
        if (local !== undefined) return local;
        if (STATIC_TYPES[node.name]) return `static:${STATIC_TYPES[node.name]}`;
        throw new ExpressionError(`the name '${node.name}' is not supported (use 'context' or a variable declared in the block)`, node.pos);
      }
      case 'member': {
        const target = this.expr(node.target);
        const property = TYPES[target]?.properties?.[node.name];
        if (property === undefined) {
          const known = propertyNames(target);
          const hint = known.length > 0 ? ` (supported: ${known.join(', ')})` : '';
          throw new ExpressionError(`'${node.name}' is not a supported member of ${describe(target)}${hint}`, node.pos);
        }
        return property;
      }
      case 'index': {
        const target = this.expr(node.target);
        const indexer = TYPES[target]?.indexer;
        if (!indexer) throw new ExpressionError(`${describe(target)} cannot be indexed with [] in the supported subset; use GetValueOrDefault(...)`, node.pos);
        const key = this.expr(node.index);
        if (!accepts(indexer.key, key)) throw new ExpressionError(`the index must be a ${indexer.key}`, node.index.pos);
        return indexer.returns;
      }
      case 'call': {
        const target = this.expr(node.target);
        const isStatic = target.startsWith('static:');
        const ownerType = isStatic ? target.slice('static:'.length) : target;
        const method = isStatic ? TYPES[ownerType]?.methods?.[node.name] : lookupMethod(ownerType, node.name);
        if (!method) throw new ExpressionError(`the method '${node.name}' is not supported on ${describe(ownerType)}`, node.pos);
        const argTypes = node.args.map((arg) => this.expr(arg));
        const min = method.minArgs ?? method.params.length;
        if (argTypes.length < min || argTypes.length > method.params.length) {
          throw new ExpressionError(`'${node.name}' takes ${min === method.params.length ? min : `${min} to ${method.params.length}`} argument(s)`, node.pos);
        }
        argTypes.forEach((type, i) => {
          if (!accepts(method.params[i], type)) throw new ExpressionError(`argument ${i + 1} of '${node.name}' must be a ${method.params[i]}`, node.args[i].pos);
        });
        if (node.typeArgument && node.name !== 'GetValueOrDefault') throw new ExpressionError(`'${node.name}' takes no type argument`, node.pos);
        if (node.typeArgument && !(node.typeArgument in CAST_RESULT)) throw new ExpressionError(`the type '${node.typeArgument}' is not supported (use string, int, long, bool, double or object)`, node.pos);
        const typeArgument = node.typeArgument ? CAST_RESULT[node.typeArgument as CastType] : undefined;
        return typeof method.returns === 'function' ? method.returns(typeArgument, argTypes) : method.returns;
      }
      case 'unary': {
        const operand = this.expr(node.operand);
        const wanted = node.op === '!' ? 'bool' : 'number';
        if (operand !== wanted) throw new ExpressionError(`operator '${node.op}' needs a ${wanted}`, node.pos);
        return wanted;
      }
      case 'binary':
        return this.binary(node.op, this.expr(node.left), this.expr(node.right), node.pos);
      case 'conditional': {
        if (this.expr(node.test) !== 'bool') throw new ExpressionError("the condition of '?:' must be a bool", node.test.pos);
        const a = this.expr(node.whenTrue);
        const b = this.expr(node.whenFalse);
        if (a === b || b === 'null') return a;
        return a === 'null' ? b : 'object';
      }
      case 'cast': {
        const operand = this.expr(node.operand);
        if (!['string', 'number', 'bool', 'object', 'null'].includes(operand)) throw new ExpressionError(`cannot cast ${describe(operand)} to ${node.to}`, node.pos);
        return CAST_RESULT[node.to];
      }
      case 'interpolated':
        for (const part of node.parts) if (typeof part !== 'string') this.expr(part);
        return 'string';
    }
  }

  private binary(op: string, left: ValueType, right: ValueType, pos: number): ValueType {
    const fail = (): never => {
      throw new ExpressionError(`operator '${op}' cannot be applied to ${describe(left)} and ${describe(right)}`, pos);
    };
    switch (op) {
      case '+':
        if (left === 'string' || right === 'string') return 'string';
        if (left === 'number' && right === 'number') return 'number';
        return fail();
      case '-': case '*': case '/': case '%': case '<': case '>': case '<=': case '>=':
        if (left !== 'number' || right !== 'number') fail();
        return op.length === 1 && '-*/%'.includes(op) ? 'number' : 'bool';
      case '==': case '!=':
        return 'bool';
      case '&&': case '||':
        if (left !== 'bool' || right !== 'bool') fail();
        return 'bool';
      case '??':
        return left === right || right === 'null' ? left : left === 'null' ? right : 'object';
      default:
        return fail();
    }
  }

  statements(body: Statement[]): boolean {
    this.scopes.push(new Map());
    let returns = false;
    for (const statement of body) {
      if (returns) throw new ExpressionError('unreachable statement after return', statement.pos);
      switch (statement.kind) {
        case 'declare': {
          const type = this.expr(statement.value);
          if (this.local(statement.name) !== undefined) throw new ExpressionError(`'${statement.name}' is already declared`, statement.pos);
          this.scopes[this.scopes.length - 1].set(statement.name, statement.declaredType ? CAST_RESULT[statement.declaredType] : type === 'null' ? 'object' : type);
          break;
        }
        case 'assign':
          if (this.local(statement.name) === undefined) throw new ExpressionError(`'${statement.name}' is not declared`, statement.pos);
          this.expr(statement.value);
          break;
        case 'return':
          this.expr(statement.value);
          returns = true;
          break;
        case 'if': {
          if (this.expr(statement.test) !== 'bool') throw new ExpressionError("the condition of 'if' must be a bool", statement.test.pos);
          const a = this.statements(statement.then);
          const b = this.statements(statement.otherwise);
          returns = a && b;
          break;
        }
      }
    }
    this.scopes.pop();
    return returns;
  }
}

export function checkProgram(program: Program): void {
  const checker = new Checker();
  if (program.kind === 'expression') checker.expr(program.body);
  else if (!checker.statements(program.body)) throw new ExpressionError("not all code paths return a value: end the block with 'return ...;'", 0);
}

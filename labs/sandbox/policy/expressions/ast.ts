/**
 * The syntax tree of a policy expression: `@(expression)` or `@{ statements }`.
 * `pos` is the offset of the node in the expression text; the checker fills in `type`.
 */

export type CastType = 'string' | 'int' | 'long' | 'bool' | 'double' | 'object';

interface Node {
  pos: number;
  type?: string;
}

export type Expr =
  | (Node & { kind: 'literal'; value: string | number | boolean | null })
  | (Node & { kind: 'name'; name: string })
  | (Node & { kind: 'member'; target: Expr; name: string; nullConditional: boolean })
  | (Node & { kind: 'index'; target: Expr; index: Expr; nullConditional: boolean })
  | (Node & { kind: 'call'; target: Expr; name: string; /** `GetValueOrDefault<string>(...)`: the type named between the angle brackets. */
      typeArgument?: string; args: Expr[]; nullConditional: boolean })
  | (Node & { kind: 'unary'; op: '!' | '-'; operand: Expr })
  | (Node & { kind: 'binary'; op: string; left: Expr; right: Expr })
  | (Node & { kind: 'conditional'; test: Expr; whenTrue: Expr; whenFalse: Expr })
  | (Node & { kind: 'cast'; to: CastType; operand: Expr })
  | (Node & { kind: 'interpolated'; parts: Array<string | Expr> });

export type Statement =
  | { kind: 'declare'; name: string; declaredType?: CastType; value: Expr; pos: number }
  | { kind: 'assign'; name: string; value: Expr; pos: number }
  | { kind: 'return'; value: Expr; pos: number }
  | { kind: 'if'; test: Expr; then: Statement[]; otherwise: Statement[]; pos: number };

export type Program = { kind: 'expression'; body: Expr } | { kind: 'block'; body: Statement[] };

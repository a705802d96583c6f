/** The syntax tree the KQL parser builds and the evaluator compiles. */
import type { KqlType } from './types.ts';

/** Where a construct starts in the query text (1-based line and column) and its text. */
export interface Pos {
  offset: number;
  line: number;
  column: number;
  text: string;
}

export type Expr =
  | { kind: 'literal'; type: KqlType; value: unknown; pos: Pos }
  | { kind: 'name'; name: string; pos: Pos }
  | { kind: 'call'; name: string; args: Expr[]; pos: Pos }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; pos: Pos }
  | { kind: 'unary'; op: '-' | '+'; operand: Expr; pos: Pos }
  | { kind: 'in'; negate: boolean; caseInsensitive: boolean; left: Expr; list: Expr[]; pos: Pos }
  | { kind: 'between'; negate: boolean; left: Expr; low: Expr; high: Expr; pos: Pos }
  | { kind: 'index'; target: Expr; index: Expr; pos: Pos }
  | { kind: 'member'; target: Expr; member: string; pos: Pos };

/** `name = expr`, or a bare `expr` whose column name is derived as Kusto derives it. */
export interface Assignment {
  name?: string;
  namePos?: Pos;
  expr: Expr;
}

export interface SortKey {
  expr: Expr;
  descending: boolean;
  nullsFirst: boolean;
}

export interface NameRef {
  name: string;
  pos: Pos;
}

export type Operator =
  | { kind: 'where'; predicate: Expr; pos: Pos }
  | { kind: 'extend'; items: Assignment[]; pos: Pos }
  | { kind: 'project'; items: Assignment[]; pos: Pos }
  | { kind: 'project-away'; names: NameRef[]; pos: Pos }
  | { kind: 'project-rename'; renames: Array<{ name: string; namePos: Pos; from: NameRef }>; pos: Pos }
  | { kind: 'summarize'; aggregates: Assignment[]; by: Assignment[]; pos: Pos }
  | { kind: 'sort'; keys: SortKey[]; pos: Pos }
  | { kind: 'top'; count: Expr; key: SortKey; pos: Pos }
  | { kind: 'take'; count: Expr; pos: Pos }
  | { kind: 'count'; pos: Pos }
  | { kind: 'distinct'; items: Assignment[] | '*'; pos: Pos }
  | { kind: 'render'; pos: Pos };

export interface TabularExpr {
  source: NameRef;
  operators: Operator[];
}

export interface LetStatement {
  name: string;
  pos: Pos;
  /** A scalar expression, or a tabular one (`let recent = customMetrics | where ...`). */
  value: Expr | TabularExpr;
}

export interface Query {
  lets: LetStatement[];
  body: TabularExpr;
}

export function isTabular(value: Expr | TabularExpr): value is TabularExpr {
  return 'operators' in value;
}

/**
 * Types shared by the sandbox's KQL engine: column types as the Logs query API reports them,
 * the tables a query reads, the result it returns and the error it throws.
 */

/** Column types the engine produces, spelled as the Logs query API spells them. */
export type KqlType = 'bool' | 'datetime' | 'dynamic' | 'int' | 'long' | 'real' | 'string' | 'timespan';

/**
 * One column of a source table. `values` is an array (only the first `rowCount` entries are
 * read), a function giving the value of a row (columns computed on demand), or one value shared
 * by every row.
 * Values: numbers for int/long/real, milliseconds since the epoch for datetime, milliseconds
 * for timespan, strings, booleans, any JSON value for dynamic, null for "no value".
 */
export interface KqlColumn {
  name: string;
  type: KqlType;
  values: ArrayLike<unknown> | ((row: number) => unknown) | { constant: unknown };
}

export interface KqlTable {
  columns: KqlColumn[];
  rowCount: number;
  /** The datetime column the request's `timespan` filters on (`timestamp`, `TimeGenerated`). */
  timeColumn?: string;
}

export interface KqlSource {
  table(name: string): KqlTable | undefined;
}

export interface KqlOptions {
  /** The query's "now" in milliseconds since the epoch (`now()`, `ago()`, the timespan). */
  now: number;
  /** ISO 8601 duration or interval (`PT1H`, `start/end`, `start/duration`), as the Logs API takes it. */
  timespan?: string;
  /** Return at most this many rows (the Logs API stops at 500,000); the result says it was cut. */
  maxRows?: number;
}

export interface KqlResultColumn {
  name: string;
  type: KqlType;
}

/** A result as the Logs query API sends it: cells already in their JSON wire form. */
export interface KqlResultTable {
  name: 'PrimaryResult';
  columns: KqlResultColumn[];
  rows: unknown[][];
}

export interface KqlResult {
  tables: KqlResultTable[];
  /** Set when `maxRows` cut the result short. */
  truncated?: { rowCount: number };
}

/**
 * A query the engine refuses: invalid KQL (`SyntaxError`), a name or type that does not fit
 * (`SemanticError`), or a real KQL construct the sandbox does not implement (`SemanticError`,
 * message says so). The whole query fails; there is never a partial answer.
 */
export class KqlError extends Error {
  readonly code = 'BadArgumentError';
  constructor(
    message: string,
    readonly kind: 'SyntaxError' | 'SemanticError',
    /** 1-based line and column of the offending text. */
    readonly line: number,
    readonly column: number,
    /** The offending text itself. */
    readonly token: string,
  ) {
    super(message);
    this.name = 'KqlError';
  }
}

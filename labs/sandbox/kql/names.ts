/** Column names for expressions written without `name =`, derived the way Kusto derives them. */
import type { Expr } from './ast.ts';
import { aggregateDefaultName } from './aggregates.ts';
import { AGGREGATES } from './scalar.ts';

/** Functions whose result column takes the name of their first argument (`bin(timestamp, 1m)` → `timestamp`). */
const FIRST_ARGUMENT_NAMED = new Set(['bin', 'floor', 'round', 'tostring', 'toint', 'tolong', 'todouble', 'toreal', 'todatetime', 'parse_json', 'todynamic']);

export function derivedName(expr: Expr): string | undefined {
  switch (expr.kind) {
    case 'name':
      return expr.name;
    case 'member': {
      const base = derivedName(expr.target);
      return base === undefined ? undefined : `${base}_${expr.member}`;
    }
    case 'index': {
      const base = derivedName(expr.target);
      if (base === undefined || expr.index.kind !== 'literal') return undefined;
      return `${base}_${String(expr.index.value)}`;
    }
    case 'call':
      if (AGGREGATES.has(expr.name)) return aggregateDefaultName(expr, expr.args[0] ? derivedName(expr.args[0]) : undefined);
      if (FIRST_ARGUMENT_NAMED.has(expr.name) && expr.args.length > 0) return derivedName(expr.args[0]);
      if (expr.name === 'strlen' && expr.args.length === 1) {
        const base = derivedName(expr.args[0]);
        return base === undefined ? undefined : `strlen_${base}`;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** `name`, or `name1`, `name2`, ... : the first one not taken. */
export function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  for (let k = 1; ; k++) if (!taken.has(`${name}${k}`)) return `${name}${k}`;
}

/** Hands out `Column1`, `Column2`, ... for unnamed expressions, skipping names already present. */
export class ColumnNamer {
  private next = 1;
  constructor(private readonly existing: Set<string>) {}
  take(): string {
    while (this.existing.has(`Column${this.next}`)) this.next++;
    return `Column${this.next++}`;
  }
}

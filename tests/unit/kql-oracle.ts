/**
 * Microsoft's own KQL parser and type checker (`@kusto/language-service-next`), used by the tests
 * as an oracle: a query the sandbox accepts must be valid KQL for Kusto, and Kusto must infer the
 * same result columns (names and types) the sandbox returns.
 */
import { createRequire } from 'node:module';
import type { KqlTable } from '../../labs/sandbox/kql/index.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
interface KustoApi {
  parse(query: string): { diagnostics: Array<{ code: string; message: string; start: number }>; columns: Array<{ name: string; type: string }> };
}

let loaded: any;

function kusto(): any {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const dir = require.resolve('@kusto/language-service-next/package.json').replace(/package\.json$/, '');
  const g = globalThis as any;
  g.Bridge = require(`${dir}bridge.min.js`);
  require(`${dir}Kusto.Language.Bridge.min.js`);
  loaded = g.Kusto.Language;
  return loaded;
}

/** A Kusto checker that knows `tables` (name → the sandbox's table, for its column schema). */
export function kustoOracle(tables: Record<string, KqlTable>): KustoApi {
  const K = kusto();
  const symbols = Object.entries(tables).map(([name, table]) => {
    const schema = `(${table.columns.map((c) => `['${c.name}']:${c.type}`).join(', ')})`;
    return new K.Symbols.TableSymbol.$ctor7(name, schema, null);
  });
  const database = new K.Symbols.DatabaseSymbol.$ctor2('sandbox', null, symbols);
  const globals = K.GlobalState.Default.WithDatabase(database);
  return {
    parse(query) {
      const code = K.KustoCode.ParseAndAnalyze(query, globals);
      const found = code.GetDiagnostics();
      const diagnostics = [];
      for (let i = 0; i < found.Count; i++) {
        const d = found.getItem(i);
        diagnostics.push({ code: d.Code, message: d.Message, start: d.Start });
      }
      const columns = [];
      const result = code.ResultType;
      if (result && result.Columns) {
        for (let i = 0; i < result.Columns.Count; i++) {
          const c = result.Columns.getItem(i);
          columns.push({ name: c.Name, type: c.Type.Name });
        }
      }
      return { diagnostics, columns };
    },
  };
}

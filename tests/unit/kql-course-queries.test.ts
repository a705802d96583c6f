/**
 * The course's own queries run on the sandbox's KQL engine: the lab query files (with the rows
 * they must give over the fixture telemetry) and every Kusto code block of the lessons that reads
 * the telemetry tables, each also valid KQL for Microsoft's parser with the same result columns.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { runKql } from '../../labs/sandbox/kql/index.ts';
import { fixture, NOW } from './kql-fixture.ts';
import { kustoOracle } from './kql-oracle.ts';

const root = new URL('../../', import.meta.url);
const { source, tables } = fixture();
let oracle: ReturnType<typeof kustoOracle>;

const LAB_QUERY_ROWS: Record<string, unknown[][]> = {
  'tokens-by-subscription.kql': [
    ['learner-1', 'alice', 17, 23, 40, 2],
    ['learner-2', 'bob', 5, 15, 20, 1],
    ['learner-2', 'carol', 1, 1, 2, 1],
  ],
  'tokens-over-time.kql': [
    ['learner-2', '2025-06-01T10:00:00Z', 2],
    ['learner-1', '2025-06-01T11:58:00Z', 30],
    ['learner-2', '2025-06-01T11:58:00Z', 20],
    ['learner-1', '2025-06-01T11:59:00Z', 10],
  ],
};

function lessonQueries(): Array<{ file: string; query: string }> {
  const docs = new URL('docs/', root);
  const found: Array<{ file: string; query: string }> = [];
  for (const file of readdirSync(docs).filter((name) => /\.mdx?$/.test(name))) {
    const text = readFileSync(new URL(file, docs), 'utf8');
    for (const match of text.matchAll(/```(?:kusto|kql)[^\n]*\n([\s\S]*?)```/g)) {
      const query = match[1].trim();
      if (/^(customMetrics|requests|AppMetrics|AppRequests)\b/.test(query)) found.push({ file, query });
    }
  }
  return found;
}

describe('the course queries on the sandbox KQL engine', () => {
  before(() => {
    oracle = kustoOracle(tables);
  });

  for (const [file, rows] of Object.entries(LAB_QUERY_ROWS)) {
    test(`labs/queries/${file}`, () => {
      const query = readFileSync(new URL(`labs/queries/${file}`, root), 'utf8');
      const result = runKql(query, source, { now: NOW }).tables[0];
      assert.deepEqual(result.rows, rows);
      const kusto = oracle.parse(query);
      assert.deepEqual(kusto.diagnostics, []);
      assert.deepEqual(result.columns, kusto.columns);
    });
  }

  test('every lab query file is checked here', () => {
    assert.deepEqual(readdirSync(new URL('labs/queries/', root)).filter((f) => f.endsWith('.kql')).sort(), Object.keys(LAB_QUERY_ROWS).sort());
  });

  test('the lessons\' telemetry queries run and match Kusto', () => {
    const queries = lessonQueries();
    assert.ok(queries.length > 0, 'the lessons show at least one telemetry query');
    for (const { file, query } of queries) {
      const result = runKql(query, source, { now: NOW }).tables[0];
      const kusto = oracle.parse(query);
      assert.deepEqual(kusto.diagnostics, [], `${file}: ${query}`);
      assert.deepEqual(result.columns, kusto.columns, `${file}: ${query}`);
    }
  });
});

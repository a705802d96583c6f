/**
 * Generated queries (fast-check) over the fixture telemetry: whatever the sandbox's KQL engine
 * answers must be valid KQL for Microsoft's parser with the same result columns, and whatever it
 * refuses must be refused with a positioned `KqlError` (never another exception) and be an error
 * for Kusto as well.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { KqlError, runKql } from '../../labs/sandbox/kql/index.ts';
import { fixture, NOW } from './kql-fixture.ts';
import { kustoOracle } from './kql-oracle.ts';

const { source, tables } = fixture();

const numeric = fc.constantFrom('value', 'valueSum', 'valueCount', 'toint(value)', 'tolong(valueCount)', 'round(value, 1)', 'todouble(customDimensions["n"])');
const text = fc.constantFrom('name', 'tostring(customDimensions["User ID"])', 'tostring(customDimensions.API)', 'appName', 'strcat(name, "-", tostring(value))');
const number = fc.integer({ min: -5, max: 50 }).map(String);
const word = fc.constantFrom('"Total Tokens"', '"alice"', '"tok"', '"Prompt"', '""');

const scalar: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(numeric, fc.constantFrom('+', '-', '*', '/', '%'), fc.oneof(numeric, number)).map(([a, op, b]) => `${a} ${op} ${b}`),
  numeric,
  text,
  fc.tuple(numeric, number).map(([a, b]) => `bin(${a}, ${Math.abs(Number(b)) + 1})`),
  fc.constantFrom('bin(timestamp, 1m)', 'bin(timestamp, 1h)', 'now() - timestamp', 'ago(30m)', 'iff(value > 10, "big", "small")', 'isempty(name)'),
);

const predicate: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(numeric, fc.constantFrom('==', '!=', '<', '<=', '>', '>='), number).map(([a, op, b]) => `${a} ${op} ${b}`),
  fc.tuple(text, fc.constantFrom('==', '!=', '=~', '!~', 'has', '!has', 'contains', '!contains', 'startswith', 'endswith'), word).map(([a, op, b]) => `${a} ${op} ${b}`),
  fc.tuple(text, fc.array(word, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([a, list, neg]) => `${a} ${neg ? '!in' : 'in'} (${list.join(', ')})`),
  fc.tuple(numeric, number, number).map(([a, lo, hi]) => `${a} between (${lo} .. ${hi})`),
  fc.constantFrom('timestamp > ago(1h)', 'timestamp <= now()', 'isnotempty(customDimensions["User ID"])', 'not(name == "x")'),
);

const aggregate = fc.oneof(
  fc.constantFrom('count()', 'dcount(name)', 'make_list(name)', 'max(timestamp)', 'min(name)'),
  numeric.map((a) => `sum(${a})`),
  numeric.map((a) => `avg(${a})`),
  fc.tuple(numeric, fc.integer({ min: 1, max: 99 })).map(([a, p]) => `percentile(${a}, ${p})`),
  predicate.map((p) => `countif(${p})`),
  fc.tuple(numeric, predicate).map(([a, p]) => `sumif(${a}, ${p})`),
);

const operator = fc.oneof(
  predicate.map((p) => `where ${p}`),
  fc.tuple(predicate, predicate, fc.constantFrom('and', 'or')).map(([a, b, op]) => `where ${a} ${op} ${b}`),
  fc.array(scalar, { minLength: 1, maxLength: 3 }).map((items) => `extend ${items.map((e, i) => (i % 2 ? e : `x${i} = ${e}`)).join(', ')}`),
  fc.array(scalar, { minLength: 1, maxLength: 3 }).map((items) => `project ${items.map((e, i) => `p${i} = ${e}`).join(', ')}`),
  fc.tuple(fc.array(aggregate, { minLength: 1, maxLength: 3 }), fc.array(fc.constantFrom('name', 'bin(timestamp, 1m)', 'user = tostring(customDimensions["User ID"])'), { maxLength: 2 }))
    .map(([aggs, by]) => `summarize ${aggs.join(', ')}${by.length ? ` by ${[...new Set(by)].join(', ')}` : ''}`),
  fc.constantFrom('order by timestamp asc', 'sort by value desc', 'take 3', 'limit 5', 'top 2 by value', 'count', 'distinct name', 'project-away customDimensions', 'render timechart'),
);

const query = fc.array(operator, { minLength: 1, maxLength: 4 }).map((ops) => ['customMetrics', ...ops].join(' | '));

test('generated queries: accepted ones are valid KQL with the same columns, refused ones are KqlErrors', () => {
  const oracle = kustoOracle(tables);
  let accepted = 0;
  fc.assert(
    fc.property(query, (q) => {
      let columns;
      try {
        columns = runKql(q, source, { now: NOW }).tables[0].columns;
      } catch (error) {
        assert.ok(error instanceof KqlError, `${q}\n→ ${String(error)}`);
        assert.ok(error.line >= 1 && error.column >= 1, `${q}\n→ no position: ${error.message}`);
        // Only supported constructs are generated, so a refusal must be a real error for Kusto too.
        assert.ok(oracle.parse(q).diagnostics.length > 0, `${q}\n→ refused but valid for Kusto: ${error.message}`);
        return;
      }
      accepted++;
      const kusto = oracle.parse(q);
      assert.deepEqual(kusto.diagnostics, [], q);
      assert.deepEqual(columns, kusto.columns, q);
    }),
    { numRuns: 400, seed: 20260601 },
  );
  assert.ok(accepted > 100, `only ${accepted} of 400 generated queries were accepted`);
});

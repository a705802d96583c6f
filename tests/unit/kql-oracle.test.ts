/**
 * Microsoft's Kusto parser as the judge of the sandbox's KQL: every query the engine answers in the
 * test corpus must be valid KQL for Kusto (no diagnostics) with the same result column names and
 * types; every query the engine refuses as a syntax error must be an error for Kusto too; and every
 * construct it refuses as "not supported" must be real KQL (so the message never blames the learner).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { KqlError, runKql } from '../../labs/sandbox/kql/index.ts';
import { KQL_CASES } from './kql-cases.ts';
import { KQL_ERROR_CASES } from './kql-error-cases.ts';
import { fixture, NOW } from './kql-fixture.ts';
import { kustoOracle } from './kql-oracle.ts';

const { source, tables } = fixture();
let oracle: ReturnType<typeof kustoOracle>;

describe('Kusto agrees with the sandbox KQL engine', () => {
  before(() => {
    oracle = kustoOracle(tables);
  });

  for (const c of KQL_CASES) {
    test(`valid KQL with the same columns: ${c.name}`, () => {
      const mine = runKql(c.query, source, { now: NOW, timespan: c.timespan }).tables[0].columns;
      const kusto = oracle.parse(c.query);
      assert.deepEqual(kusto.diagnostics, [], `Kusto reports problems in: ${c.query}`);
      assert.deepEqual(mine, kusto.columns);
    });
  }

  for (const c of KQL_ERROR_CASES) {
    test(`${c.kind === 'unsupported' ? 'real KQL the sandbox refuses by name' : 'invalid for Kusto too'}: ${c.name}`, () => {
      assert.throws(() => runKql(c.query, source, { now: NOW }), KqlError);
      const kusto = oracle.parse(c.query);
      if (c.kind === 'unsupported') assert.deepEqual(kusto.diagnostics, [], `Kusto rejects ${c.query}`);
      else assert.ok(kusto.diagnostics.length > 0, `Kusto accepts ${c.query}`);
    });
  }
});

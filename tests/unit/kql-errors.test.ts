/**
 * The KQL engine refuses what it cannot answer exactly: one `KqlError` (code BadArgumentError) for
 * the whole query, naming the construct and its line and column, never a partial result.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KqlError, runKql } from '../../labs/sandbox/kql/index.ts';
import { KQL_ERROR_CASES } from './kql-error-cases.ts';
import { fixture, NOW } from './kql-fixture.ts';

const { source } = fixture();

function errorOf(query: string, timespan?: string): KqlError {
  try {
    runKql(query, source, { now: NOW, timespan });
  } catch (error) {
    if (error instanceof KqlError) return error;
    throw error;
  }
  assert.fail(`expected a KqlError for: ${query}`);
}

describe('KQL errors', () => {
  for (const c of KQL_ERROR_CASES) {
    test(`${c.name} → line ${c.line}, column ${c.column}`, () => {
      const error = errorOf(c.query);
      assert.equal(error.code, 'BadArgumentError');
      assert.equal(error.kind, c.kind === 'unsupported' ? 'SemanticError' : c.kind);
      assert.deepEqual({ line: error.line, column: error.column }, { line: c.line, column: c.column });
      assert.ok(error.message.includes(c.mentions), `message should mention ${c.mentions}: ${error.message}`);
      if (c.kind === 'unsupported') assert.match(error.message, /does not support/);
      if (c.kind !== 'SyntaxError') assert.ok(error.message.includes(`line ${c.line}, column ${c.column}`), error.message);
      else assert.ok(error.message.includes(`[${c.line},${c.column}]`), error.message);
    });
  }

  test('a bad request timespan is refused before the query runs', () => {
    const error = errorOf('customMetrics | count', 'one hour');
    assert.equal(error.code, 'BadArgumentError');
    assert.match(error.message, /ISO 8601/);
  });

  test('an error anywhere fails the whole query, even after valid operators', () => {
    const error = errorOf('customMetrics | where name == "Total Tokens" | summarize sum(value) by bin(timestamp, 1m) | extend x = nope(1)');
    assert.match(error.message, /nope/);
  });
});

/**
 * Properties of the expression evaluator over many generated inputs: string literals (regular and
 * verbatim) read back exactly, `+` concatenates like C#, header lookups return what was sent, and
 * integer arithmetic follows C#'s truncating division.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileExpression } from '../../labs/sandbox/policy/expressions/index.ts';

function csharpLiteral(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

const text = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('\0'));

test('string literals read back exactly, regular and verbatim', () => {
  fc.assert(
    fc.property(text, (value) => {
      assert.equal(compileExpression(`@(${csharpLiteral(value)})`).evaluate({}), value);
      assert.equal(compileExpression(`@(@"${value.replace(/"/g, '""')}")`).evaluate({}), value);
    }),
  );
});

test('+ concatenates strings and numbers as C# does', () => {
  fc.assert(
    fc.property(text, fc.integer({ min: -1e6, max: 1e6 }), (value, n) => {
      assert.equal(compileExpression(`@(${csharpLiteral(value)} + ${n < 0 ? `(${n})` : n})`).evaluate({}), `${value}${n}`);
    }),
  );
});

test('header lookups return the value sent, whatever its case in the name', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), text, (name, value) => {
      const context = { Request: { Headers: { [name]: value } } };
      const upper = name.toUpperCase();
      assert.equal(compileExpression(`@(context.Request.Headers.GetValueOrDefault("${upper}", "fallback"))`).evaluate(context), value);
      assert.equal(compileExpression(`@(context.Request.Headers.GetValueOrDefault("${upper}-missing", "fallback"))`).evaluate(context), 'fallback');
    }),
  );
});

test('integer arithmetic truncates toward zero like C#', () => {
  fc.assert(
    fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 50 }), (a, b) => {
      const source = `@((${a}) / ${b} * ${b} + (${a}) % ${b})`;
      assert.equal(compileExpression(source).evaluate({}), a);
    }),
  );
});

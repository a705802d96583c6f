/** The `[...]` template expression language: literals, calls, property and index access, escapes and errors. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyString, functionNames, parseExpression, TemplateExpressionError } from '../../labs/sandbox/deployments/expression.ts';

describe('classifyString', () => {
  it('tells expressions, escaped brackets and plain text apart', () => {
    assert.deepEqual(classifyString("[parameters('a')]"), { kind: 'expression', source: "parameters('a')" });
    assert.deepEqual(classifyString('[[not an expression]'), { kind: 'literal', value: '[not an expression]' });
    assert.deepEqual(classifyString('plain [text]'), { kind: 'literal', value: 'plain [text]' });
    assert.deepEqual(classifyString('[unclosed'), { kind: 'literal', value: '[unclosed' });
  });
});

describe('parseExpression', () => {
  it('parses nested calls with string and number arguments', () => {
    const expr = parseExpression("format('{0}/{1}', parameters('apimName'), 42)");
    assert.equal(expr.kind, 'call');
    if (expr.kind !== 'call') return;
    assert.equal(expr.name, 'format');
    assert.deepEqual(expr.args.map((a) => a.kind), ['string', 'call', 'number']);
    assert.deepEqual(functionNames(expr), ['format', 'parameters']);
  });

  it("reads '' inside a string as one quote", () => {
    const expr = parseExpression("concat('it''s', ' fine')");
    assert.equal(expr.kind === 'call' && expr.args[0].kind === 'string' && expr.args[0].value, "it's");
  });

  it('parses property and index access after calls, chained', () => {
    const expr = parseExpression("reference(resourceId('A.B/c', 'n'), '2024-05-01', 'full').identity.principalId");
    assert.equal(expr.kind, 'property');
    if (expr.kind !== 'property') return;
    assert.equal(expr.name, 'principalId');
    assert.equal(expr.target.kind, 'property');
    const indexed = parseExpression("parameters('subs')[copyIndex()].id");
    assert.equal(indexed.kind, 'property');
    if (indexed.kind !== 'property') return;
    assert.equal(indexed.target.kind, 'index');
    assert.deepEqual(functionNames(indexed), ['parameters', 'copyIndex']);
  });

  it('accepts negative numbers, spaces and empty argument lists', () => {
    const expr = parseExpression(' add( -3 , 4 ) ');
    assert.equal(expr.kind === 'call' && expr.args[0].kind === 'number' && expr.args[0].value, -3);
    assert.equal(parseExpression('utcNow()').kind, 'call');
  });

  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ["concat('a'", /Expected '\)'/],
    ["concat('a)", /not closed/],
    ['parameters', /must be a function call/],
    ["concat('a') extra()", /Unexpected/],
    ["concat('a',)", /Expected a function call, a string or a number/],
    ["parameters('x').", /property name/],
    ["a('x') + b('y')", /character '\+'/],
  ];
  for (const [source, message] of bad) {
    it(`refuses ${JSON.stringify(source)} with a positioned message`, () => {
      assert.throws(() => parseExpression(source), (error: unknown) => error instanceof TemplateExpressionError && message.test(error.message));
    });
  }
});

/**
 * The lesson shows parts of labs/infra/main.bicep by declaration name: each excerpt must start at
 * its comments, end at its closing brace, and carry the line number it has in the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bicepDeclarations } from '../../src/components/LabFile/bicepDeclarations.ts';

const template = readFileSync('labs/infra/main.bicep', 'utf8');
const templateLines = template.split('\n');

test('each excerpt of main.bicep is the declaration as the file has it, at its own line numbers', () => {
  const names = ['appInsights', 'apiPolicy', 'logger', 'apiDiagnostic', 'apimSubscriptions'];
  for (const excerpt of bicepDeclarations(template, names)) {
    const lines = excerpt.text.split('\n');
    assert.deepEqual(lines, templateLines.slice(excerpt.startLine - 1, excerpt.startLine - 1 + lines.length), excerpt.name);
    assert.match(lines.find((line) => !line.startsWith('//'))!, new RegExp(`^resource ${excerpt.name} `));
    assert.match(lines.at(-1)!, /^}\]?$/, `${excerpt.name} ends at its closing brace`);
  }
  const [diagnostic] = bicepDeclarations(template, ['apiDiagnostic']);
  assert.match(diagnostic!.text, /metrics: true/);
});

test('comments above a declaration belong to it; braces inside strings and comments do not count', () => {
  const source = [
    "param name string = 'a{b'",
    '',
    '// The role: read only.',
    '// (Second line.)',
    "resource role 'Microsoft.Authorization/roleAssignments@2022-04-01' = {",
    "  name: '}{'",
    '  properties: { // {',
    '    principalId: name',
    '  }',
    '}',
    'output id string = role.id',
  ].join('\n');
  const [role, id, name] = bicepDeclarations(source, ['role', 'id', 'name']);
  assert.equal(role!.startLine, 3);
  assert.equal(role!.text.split('\n').length, 8);
  assert.deepEqual(id, { name: 'id', startLine: 11, text: 'output id string = role.id' });
  assert.equal(name!.text, "param name string = 'a{b'");
});

test('an unknown name is an error, not an empty excerpt', () => {
  assert.throws(() => bicepDeclarations(template, ['noSuchResource']), /no top-level declaration named "noSuchResource"/);
});

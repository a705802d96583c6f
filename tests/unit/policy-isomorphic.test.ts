/**
 * The policy engine and the gateway engine also run in the reader's browser (the lesson's
 * playground): no file under them may import a Node module or use Node-only globals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

test('labs/sandbox/policy and labs/sandbox/gateway use no Node APIs', () => {
  const root = fileURLToPath(new URL('../../labs/sandbox/', import.meta.url));
  const files = [...sources(join(root, 'policy')), ...sources(join(root, 'gateway'))].filter((file) => !file.endsWith('-node.ts'));
  assert.ok(files.length > 20);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /from ['"](node:|fs|path|http|https|crypto|os|net|child_process|stream|buffer)['"/]/, file);
    assert.doesNotMatch(text, /\b(Buffer|process|require|__dirname)\s*[.(]/, file);
    for (const [, specifier] of text.matchAll(/from ['"]([^'"]+)['"]/g)) {
      assert.ok(specifier.startsWith('.') || specifier === 'saxes', `${file} imports ${specifier}`);
    }
  }
});

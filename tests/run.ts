/**
 * `npm test`: typecheck the site and the labs, build the site for production, then run every
 * test file (unit, sandbox, labs end to end, browser) in one node test run, so the closing
 * summary counts them all.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function run(title: string, command: string, args: string[]): void {
  console.log(`\n▶ ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`\n✖ ${title} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

const only = process.argv.slice(2);
if (only.length === 0) {
  run('Typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  run('Production build', 'npx', ['docusaurus', 'build']);
}
const files = only.length > 0 ? only : testFiles('tests');
run('Tests', process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files]);

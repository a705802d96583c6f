/** Where things are: the repository root and the files the labs and the lesson pages share. */
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const labsDir = resolve(repoRoot, 'labs');

/** A file under `labs/` (policies, queries, the OpenAPI spec), by its path relative to `labs/`. */
export function labFile(relativePath: string): string {
  return resolve(labsDir, relativePath);
}

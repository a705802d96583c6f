/**
 * Build-time bridge between the labs and the site. It reads the lab scripts and the files the
 * lessons show (policies, KQL queries, infrastructure templates, the captured metrics series)
 * from `labs/`, gives every lab file a page of its own at `/labs/...`, and writes one JSON module
 * (`@generated/lab-files/default/lab-files.json`) that the lesson components read. A file that
 * does not exist yet is simply absent: the build keeps working and the content tests report it.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, posix, relative, sep } from 'node:path';
import type { LoadContext, Plugin } from '@docusaurus/types';
import { labFileRoute } from './routes.ts';
import type { LabFile, LabFilesData, LabSourcePageData } from './types.ts';

/** Folders under labs/ whose files get a page, and whether to look into subfolders. */
const SHOWN_FOLDERS: Array<{ folder: string; recursive: boolean; extensions: string[] }> = [
  { folder: '', recursive: false, extensions: ['.ts'] },
  { folder: 'lib', recursive: true, extensions: ['.ts'] },
  { folder: 'policies', recursive: false, extensions: ['.xml'] },
  { folder: 'queries', recursive: false, extensions: ['.kql'] },
  { folder: 'infra', recursive: false, extensions: ['.bicep', '.bicepparam', '.json'] },
];

/** Files the lesson pages embed inline (small text files); the rest are only linked. */
const INLINE_EXTENSIONS = new Set(['.xml', '.kql', '.bicep', '.bicepparam']);

const LANGUAGES: Record<string, string> = {
  '.ts': 'ts',
  '.xml': 'xml',
  '.kql': 'kusto',
  '.bicep': 'bicep',
  '.bicepparam': 'bicep',
  '.json': 'json',
};

const SERIES_FILE = 'transcripts/metrics-series.json';

async function listFiles(dir: string, recursive: boolean): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return recursive ? listFiles(path, true) : [];
      return entry.isFile() ? [path] : [];
    }),
  );
  return nested.flat();
}

/** Relative imports of `./lib/...` modules, so a script's page can link the helpers it uses. */
function importedLabFiles(labPath: string, source: string, known: Set<string>): string[] {
  const found = new Set<string>();
  for (const match of source.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = posix.normalize(posix.join(posix.dirname(labPath), match[1]!));
    const candidates = [target, `${target}.ts`, target.replace(/\.js$/, '.ts')];
    const hit = candidates.find((candidate) => known.has(candidate));
    if (hit && hit !== labPath) found.add(hit);
  }
  return [...found].sort();
}

async function readLabFiles(labsDir: string): Promise<LabFile[]> {
  const files: LabFile[] = [];
  for (const { folder, recursive, extensions } of SHOWN_FOLDERS) {
    for (const absolute of await listFiles(join(labsDir, folder), recursive)) {
      const extension = extname(absolute);
      if (!extensions.includes(extension) || absolute.endsWith('.d.ts')) continue;
      const path = `labs/${relative(labsDir, absolute).split(sep).join('/')}`;
      files.push({ path, route: labFileRoute(path), language: LANGUAGES[extension] ?? 'text', source: await readFile(absolute, 'utf8') });
    }
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** What loadContent reads: the shared data plus every lab file that gets a page. */
type LabContent = LabFilesData & { all: LabFile[] };

export default function labFilesPlugin(context: LoadContext): Plugin<unknown> {
  const labsDir = join(context.siteDir, 'labs');
  return {
    name: 'lab-files',

    getPathsToWatch() {
      return SHOWN_FOLDERS.map(({ folder, recursive }) => join(labsDir, folder, recursive ? '**/*' : '*')).concat(join(labsDir, SERIES_FILE));
    },

    async loadContent(): Promise<LabContent> {
      const all = await readLabFiles(labsDir);
      const steps = all.filter((file) => /^labs\/[^/]+\.ts$/.test(file.path)).map((file) => file.path.slice('labs/'.length, -'.ts'.length));
      const inline: Record<string, string> = {};
      for (const file of all) if (INLINE_EXTENSIONS.has(extname(file.path))) inline[file.path] = file.source;
      const seriesPath = join(labsDir, SERIES_FILE);
      const series: unknown = existsSync(seriesPath) ? JSON.parse(await readFile(seriesPath, 'utf8')) : null;
      return { steps, files: inline, series, all };
    },

    async contentLoaded({ content, actions }) {
      const { all, ...shared } = content as LabContent;
      await actions.createData('lab-files.json', JSON.stringify(shared));
      const known = new Set(all.map((file) => file.path));
      for (const file of all) {
        const related = importedLabFiles(file.path, file.source, known).map((path) => ({ path, route: labFileRoute(path) }));
        const step = /^labs\/([^/]+)\.ts$/.exec(file.path)?.[1];
        const page: LabSourcePageData = { ...file, step, related };
        const dataPath = await actions.createData(`page-${file.route.slice(1).replaceAll('/', '-')}.json`, JSON.stringify(page));
        actions.addRoute({
          path: `${context.baseUrl}${file.route.slice(1)}`,
          component: '@site/src/components/LabSourcePage/index.tsx',
          modules: { page: dataPath },
          exact: true,
        });
      }
    },
  };
}

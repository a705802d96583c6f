/**
 * Shared by the site's browser tests: the production build served on 127.0.0.1 the way a static
 * host serves it (`/page` → `page.html`, unknown paths → `404.html` with status 404), and Debian's
 * Chromium driven by playwright-core in a throw-away profile. No browser is ever downloaded.
 */
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const SITE_BUILD_DIR = resolve(process.env.SITE_BUILD_DIR ?? 'build');
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Flags measured to work for headless Debian Chromium on this kind of machine. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const CONTENT_TYPES = new Map(
  Object.entries({
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.json': 'application/json; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.xml': 'application/xml; charset=utf-8',
    '.txt': 'text/plain; charset=utf-8',
    '.woff2': 'font/woff2',
  }),
);

function resolveStaticFile(root: string, url: string): string | undefined {
  const pathname = decodeURIComponent(new URL(url, 'http://site.invalid').pathname);
  const base = resolve(root, `.${pathname}`);
  if (base !== root && !base.startsWith(root + sep)) return undefined;
  for (const candidate of [base, `${base}.html`, join(base, 'index.html')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

export interface ServedSite {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Serve like a production host: gzip text files and cache hashed assets for a year. */
  production?: boolean;
}

/** Serves the production build on a free loopback port; fails clearly when there is no build. */
export async function serveSiteBuild(root = SITE_BUILD_DIR, options: ServeOptions = {}): Promise<ServedSite> {
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`There is no production build in ${root}. Run \`npm run build\` first (\`npm test\` builds before it tests).`);
  }
  const notFoundPage = join(root, '404.html');
  const server = createServer((request, response) => {
    const file = resolveStaticFile(root, request.url ?? '/');
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      response.end(existsSync(notFoundPage) ? readFileSync(notFoundPage) : 'Not found');
      return;
    }
    const type = CONTENT_TYPES.get(extname(file)) ?? 'application/octet-stream';
    const body = readFileSync(file);
    if (!options.production) {
      response.writeHead(200, { 'content-type': type });
      response.end(body);
      return;
    }
    const headers: Record<string, string> = { 'content-type': type, 'cache-control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache' };
    const gzip = /text|json|javascript|svg|xml/.test(type) && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    if (gzip) headers['content-encoding'] = 'gzip';
    response.writeHead(200, headers);
    response.end(gzip ? gzipSync(body) : body);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The static server did not get a TCP port.');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}

export interface SiteBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Debian Chromium with a fresh profile; clipboard access granted for copy buttons. */
export async function launchSiteBrowser(): Promise<SiteBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing. Install Debian's Chromium with \`apt-get update && apt-get install -y chromium\` (.ci/run does this).`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'site-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface PageProblems {
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Requests to anything but the served site. */
  external: string[];
}

/** Starts recording what went wrong on a page; read the arrays after the page has loaded. */
export function recordProblems(page: Page, origin: string): PageProblems {
  const problems: PageProblems = { errors: [], external: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.errors.push(`Uncaught: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url)) problems.external.push(url);
  });
  return problems;
}

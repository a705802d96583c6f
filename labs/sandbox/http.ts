/**
 * Node HTTP glue: turns an `IncomingMessage` into the isomorphic `SandboxRequest` and writes a
 * `SandboxResponse` back, flushing streamed bodies (server-sent events) piece by piece.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxRequest, SandboxResponse } from './core/exchange.ts';

/** Request bodies above this size are refused (an OpenAPI document is well below it). */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

/** Collapses `//` runs, so `/v1//subscriptions/...` (LogsQueryClient.queryResource) routes normally. */
export function normalizePath(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, '/');
  return collapsed.startsWith('/') ? collapsed : `/${collapsed}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped, so the client still receives the 413 answer.
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new BodyTooLargeError(`The request body is larger than ${MAX_BODY_BYTES} bytes.`));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** The whole request: path (percent-encoding kept, `//` collapsed), query, lower-case headers, body text. */
export async function toSandboxRequest(req: IncomingMessage): Promise<SandboxRequest> {
  // A leading `//` would make the path look like a host (`//subscriptions/...` from clients that
  // join an endpoint and a resource id), so runs of slashes are collapsed before parsing.
  const url = new URL((req.url ?? '/').replace(/^\/{2,}/, '/'), 'https://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const ip = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: normalizePath(url.pathname),
    query: url.searchParams,
    headers,
    body: await readBody(req),
    ip,
  };
}

/** Writes the response; a streamed body is written and flushed one piece at a time. */
export async function writeSandboxResponse(res: ServerResponse, response: SandboxResponse, method: string): Promise<void> {
  const headers: Record<string, string> = { ...response.headers };
  if (response.stream === undefined) {
    const body = method === 'HEAD' ? '' : (response.body ?? '');
    if (method !== 'HEAD') headers['content-length'] = String(Buffer.byteLength(body));
    res.writeHead(response.status, headers);
    res.end(body);
    return;
  }
  res.writeHead(response.status, { 'cache-control': 'no-cache', ...headers });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  const iterator = response.stream[Symbol.asyncIterator]();
  let closed = false;
  const onClose = (): void => {
    closed = true;
  };
  res.on('close', onClose);
  try {
    while (!closed) {
      const next = await iterator.next();
      if (next.done) break;
      if (closed) break;
      const flushed = res.write(next.value);
      if (!flushed && !closed) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
    }
  } finally {
    res.off('close', onClose);
    if (closed) await iterator.return?.();
    res.end();
  }
}

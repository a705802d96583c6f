/**
 * The request and response shapes every sandbox surface speaks (ARM, gateway, model, Logs).
 *
 * They carry no Node types, so the same handlers run in the Node server and in the browser
 * playground. The Node server adapts `http.IncomingMessage` to `SandboxRequest` and writes a
 * `SandboxResponse` back; the playground builds them directly.
 */

export interface SandboxRequest {
  method: string;
  /** Path below the surface's mount point, always starting with `/`, `//` collapsed. */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The request body as text ('' when there is none). */
  body: string;
  /** Caller address as the gateway sees it (`context.Request.IpAddress`). */
  ip: string;
}

export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  /** A complete body, or a stream of text pieces (server-sent events) written as they come. */
  body?: string;
  stream?: AsyncIterable<string>;
}

/** A JSON response with the content type Azure uses. */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

/** Reads a response body whole, whether it was given at once or streamed. */
export async function readResponseBody(response: SandboxResponse): Promise<string> {
  if (response.stream === undefined) return response.body ?? '';
  let text = '';
  for await (const piece of response.stream) text += piece;
  return text;
}

/**
 * The sandbox's Node HTTP glue: streamed bodies (server-sent events) reach the client piece by
 * piece before the stream ends, a client that goes away stops the stream, bodies over the limit get
 * 413 JSON, `//` runs in paths are collapsed, and unknown paths answer a helpful 404.
 */
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { MAX_BODY_BYTES, normalizePath, toSandboxRequest, writeSandboxResponse } from '../../labs/sandbox/http.ts';
import { startTestSandbox, type TestSandbox } from './arm-harness.ts';

let t: TestSandbox;
before(async () => {
  t = await startTestSandbox();
});
after(async () => {
  await t.close();
});

test('a streamed body is flushed piece by piece, and stops when the client leaves', async () => {
  const key = readFileSync(`${t.sandbox.stateDir}/key.pem`, 'utf8');
  let release: () => void = () => undefined;
  const secondPieceAllowed = new Promise<void>((resolve) => {
    release = resolve;
  });
  let finished = false;
  let abandoned = false;
  async function* events(): AsyncGenerator<string> {
    try {
      yield 'data: {"n":1}\n\n';
      await secondPieceAllowed;
      yield 'data: {"n":2}\n\n';
      yield 'data: [DONE]\n\n';
      finished = true;
    } finally {
      if (!finished) abandoned = true;
    }
  }
  const server = createServer({ key, cert: t.ca }, (req, res) => {
    void (async () => {
      const sandboxRequest = await toSandboxRequest(req);
      await writeSandboxResponse(res, { status: 200, headers: { 'content-type': 'text/event-stream' }, stream: events() }, sandboxRequest.method);
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/stream', ca: t.ca, method: 'GET' }, (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream');
        res.setEncoding('utf8');
        res.on('data', (piece: string) => {
          received.push(piece);
          // The first event arrived while the generator is still waiting: it was flushed on its own.
          if (received.length === 1) release();
        });
        res.on('end', resolve);
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(received[0], 'data: {"n":1}\n\n');
    assert.equal(received.join(''), 'data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');
    assert.ok(finished);

    finished = false;
    let releaseAgain: () => void = () => undefined;
    const hold = new Promise<void>((resolve) => {
      releaseAgain = resolve;
    });
    async function* slow(): AsyncGenerator<string> {
      try {
        yield 'data: first\n\n';
        await hold;
        yield 'data: never read\n\n';
        finished = true;
      } finally {
        if (!finished) abandoned = true;
      }
    }
    server.removeAllListeners('request');
    let written: Promise<void> = Promise.resolve();
    server.on('request', (req, res) => {
      written = (async () => {
        const sandboxRequest = await toSandboxRequest(req);
        await writeSandboxResponse(res, { status: 200, headers: {}, stream: slow() }, sandboxRequest.method);
      })();
    });
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/leave', ca: t.ca }, (res) => {
        res.once('data', () => {
          req.destroy();
          setTimeout(() => {
            releaseAgain();
            resolve();
          }, 50);
        });
      });
      req.on('error', () => undefined);
      req.end();
    });
    await written;
    assert.ok(abandoned, 'the stream was closed when the client went away');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('a body over the limit gets 413 JSON; the sandbox keeps serving', async () => {
  const big = 'x'.repeat(MAX_BODY_BYTES + 10);
  const res = await t.raw('PUT', `/subscriptions/${t.subscriptionId}/resourcegroups/rg?api-version=2025-04-01`, { body: big });
  assert.equal(res.status, 413);
  assert.equal(res.json.error.code, 'RequestEntityTooLarge');
  assert.equal((await t.raw('GET', '/', { token: null })).status, 200);
});

test('paths: // runs are collapsed, unknown paths get a 404 that lists the surfaces', async () => {
  assert.equal(normalizePath('/v1//subscriptions///x'), '/v1/subscriptions/x');
  const doubled = await t.raw('GET', `//subscriptions/${t.subscriptionId}?api-version=2022-12-01`);
  assert.equal(doubled.status, 200);
  const unknown = await t.raw('GET', '/nothing/here', { token: null });
  assert.equal(unknown.status, 404);
  assert.match(unknown.json.error.message, /\/apim\/\{service\}/);
});

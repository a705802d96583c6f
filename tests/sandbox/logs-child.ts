/**
 * A sandbox in its own process, for the durability tests: starts on a free port with the state
 * folder given as the first argument, prints `{"url": ...}` on one line, and runs until killed.
 */
import { startSandbox } from '../../labs/sandbox/server.ts';

const sandbox = await startSandbox({ port: 0, stateDir: process.argv[2], ingestionDelayMs: 0, quiet: true });
process.stdout.write(`${JSON.stringify({ url: sandbox.url })}\n`);
setInterval(() => undefined, 60_000);

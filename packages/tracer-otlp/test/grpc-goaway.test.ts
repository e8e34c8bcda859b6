// After a GOAWAY the transport opens a new session while the old one finishes its call: once both
// calls are done neither session may keep the process alive (found in review: one did, forever).
import { spawn } from 'node:child_process';
import { createServer, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./fixtures/grpc-goaway-child.ts', import.meta.url));
let close: (() => void) | undefined;
afterEach(() => close?.());

function ok(stream: ServerHttp2Stream): void {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  stream.end(Buffer.alloc(5));
}

it('a process whose transport saw a GOAWAY mid-call still exits by itself once its calls are done', async () => {
  let streams = 0;
  const server = createServer();
  server.on('stream', (stream) => {
    stream.resume();
    if (++streams === 1) {
      // A graceful GOAWAY (a collector's max connection age): the call in flight is still answered.
      stream.session?.goaway(0);
      setTimeout(() => ok(stream), 400);
    } else ok(stream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => server.close();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const run = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', child, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  run.stdout.setEncoding('utf8');
  run.stdout.on('data', (chunk: string) => (stdout += chunk));
  const safety = setTimeout(() => run.kill('SIGKILL'), 10_000);
  const code = await new Promise<number | null>((resolve) => run.on('exit', (exit) => resolve(exit)));
  clearTimeout(safety);
  expect(stdout.trim()).toBe('["delivered","delivered"]');
  expect(streams).toBe(2);
  expect(code).toBe(0); // killed by the safety timer: null
}, 20_000);

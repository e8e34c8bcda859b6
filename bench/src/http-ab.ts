// pnpm --filter @x/bench http-ab [nothing|discard|encode|otlp]: what instrumentHttp() adds to a
// request, in one process. A node:http server is fed through in-memory sockets (no syscalls, so the
// server's own work is most of what is measured), in slices that alternate between
// instrumentHttp() on and off, so drift in the machine hits both alike; the median of the paired
// differences is reported. The tracer: `nothing` samples nothing (the instrumentation alone),
// `discard` records and throws the spans away, `encode` encodes them as OTLP protobuf requests and
// sends nothing, `otlp` (default) exports them to the counting receiver. A diagnostic for where
// the http-server case's cost goes, not a comparison.
import http from 'node:http';
import { Duplex } from 'node:stream';
import { configure, instrumentHttp } from '@x/trace';
import { createBufferedTracer, type TracerPlugin } from '@x/tracer-core';
import { createOtlpTracer, createProtobufEncoder, encodeAll } from '@x/tracer-otlp';
import { sampleNothing } from './api-cases.js';
import { median } from './harness.js';
import { startCountingReceiver, type CountingReceiver } from './receiver.js';

const REQUESTS_PER_SLICE = 20_000;
const SLICES = 16;
const CONNECTIONS = 10;
const REQUEST = Buffer.from('GET /users/42?fields=name,email HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n');
const USER_PATH = /^\/users\/(\d+)$/;

/** The http-server case's handler. */
function handle(request: http.IncomingMessage, response: http.ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const match = USER_PATH.exec(url.pathname);
  if (match === null) {
    response.writeHead(404).end();
    return;
  }
  const id = Number(match[1]);
  const body = JSON.stringify({ id, name: `User ${id}`, fields: url.searchParams.get('fields')?.split(',') ?? [], createdAt: new Date(1_700_000_000_000 + id * 86_400_000).toISOString() });
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** A keep-alive client connection in memory: sends the next request once the body of the last one came back. */
class MemorySocket extends Duplex {
  readonly remoteAddress = '127.0.0.1';
  #left = 0;
  #done: () => void = () => undefined;

  send(requests: number): Promise<void> {
    this.#left = requests;
    return new Promise((resolve) => {
      this.#done = resolve;
      this.#next();
    });
  }

  override _read(): void {}
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.#received(chunk);
    callback();
  }
  override _writev(chunks: { chunk: Buffer }[], callback: () => void): void {
    for (const { chunk } of chunks) this.#received(chunk);
    callback();
  }
  // What net.Socket has and the server calls.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }

  #received(chunk: Buffer): void {
    if (chunk.includes('"createdAt"')) this.#next();
  }
  #next(): void {
    if (this.#left-- > 0) setImmediate(() => this.push(REQUEST));
    else this.#done();
  }
}

async function tracerFor(mode: string): Promise<{ tracer: TracerPlugin; receiver?: CountingReceiver }> {
  if (mode === 'nothing') return { tracer: sampleNothing };
  if (mode === 'discard') return { tracer: createBufferedTracer('discard', { export: async () => ({ status: 'success' }) }) };
  if (mode === 'encode') {
    const encoder = createProtobufEncoder({ resource: ['service.name', 'http-ab'], scopeName: '@x/trace/http', scopeVersion: '' });
    return { tracer: createBufferedTracer('encode', { export: async (batch) => (encodeAll(encoder, batch), { status: 'success' }) }) };
  }
  if (mode !== 'otlp') throw new Error(`unknown tracer ${mode}: nothing, discard, encode or otlp`);
  const receiver = await startCountingReceiver();
  return { tracer: createOtlpTracer({ url: receiver.tracesUrl, serviceName: 'http-ab', hookProcessShutdown: false }), receiver };
}

const mode = process.argv[2] ?? 'otlp';
const { tracer, receiver } = await tracerFor(mode);
configure({ tracer, records: false });
const server = http.createServer(handle);
const sockets = Array.from({ length: CONNECTIONS }, () => new MemorySocket());
for (const socket of sockets) server.emit('connection', socket);

/** Server CPU per request over one slice, the export of its spans included. */
async function slice(): Promise<number> {
  const before = process.cpuUsage();
  await Promise.all(sockets.map((socket) => socket.send(REQUESTS_PER_SLICE / CONNECTIONS)));
  await tracer.flush();
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / REQUESTS_PER_SLICE;
}

const on: number[] = [];
const off: number[] = [];
for (let i = -1; i < SLICES; i++) {
  const instrumentation = instrumentHttp();
  const traced = await slice();
  instrumentation.disable();
  const plain = await slice();
  if (i < 0) continue; // slice -1 warms up
  on.push(traced);
  off.push(plain);
}
const added = on.map((traced, i) => traced - off[i]!);
const f = (n: number) => n.toFixed(2);
console.log(`${mode}: off ${f(median(off))} µs/request, on ${f(median(on))}; added, paired: median ${f(median(added))} (${f(Math.min(...added))} to ${f(Math.max(...added))})`);
receiver?.stop();

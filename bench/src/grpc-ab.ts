// OTLP/gRPC client cost, A/B: our hand-framed unary call over node:http2 (GrpcTransport) against
// @grpc/grpc-js's Client.makeUnaryRequest, both sending the same encoded ExportTraceServiceRequest
// to one @grpc/grpc-js server in another process. Client CPU (user + system) per export and per
// span, and wall time, median of alternating rounds; then the cost of loading each. The numbers
// behind the choice in packages/tracer-otlp/README.md ("Why gRPC is framed by hand").
//   npm run grpc-ab --workspace bench   (or: pnpm --filter @x/bench grpc-ab)
import { fork, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { FinishedSpan } from '@x/tracer-core';
import { SpanRecorder, TracerCounters } from '@x/tracer-core/internal';
import { createProtobufEncoder, encodeAll } from '@x/tracer-otlp';
import { GrpcTransport, TRACE_EXPORT_PATH } from '../../packages/tracer-otlp/src/grpc-transport.js';
import { median } from './harness.js';
import { oursFullSpan } from './workload.js';

const EXPORTS = Number(process.env.EXPORTS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const CONCURRENCY = 2;

function encoded(count: number): Uint8Array {
  const spans: FinishedSpan[] = [];
  const recorder = new SpanRecorder({}, new TracerCounters(), (s) => spans.push(s));
  const plugin = { startSpan: (s: never) => recorder.startSpan(s), setAttribute: recorder.setAttribute.bind(recorder), setStatus: recorder.setStatus.bind(recorder), addEvent: recorder.addEvent.bind(recorder), endSpan: recorder.endSpan.bind(recorder) };
  for (let i = 0; i < count; i++) oursFullSpan(plugin as never);
  return encodeAll(createProtobufEncoder({ resource: ['service.name', 'bench'], scopeName: 'bench', scopeVersion: '1.0.0' }), spans);
}

type Send = (body: Uint8Array) => Promise<void>;

function ours(port: number, gzip: boolean): { send: Send; close: () => Promise<void> } {
  const transport = new GrpcTransport({ url: new URL(`http://127.0.0.1:${port}`), headers: {}, gzip, tls: undefined });
  const signal = new AbortController().signal;
  return {
    send: async (body) => {
      const result = await transport.send(body, 10_000, signal);
      if (result.kind !== 'delivered') throw new Error(JSON.stringify(result));
    },
    close: () => transport.close(),
  };
}

function theirs(port: number, gzip: boolean): { send: Send; close: () => Promise<void> } {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), gzip ? { 'grpc.default_compression_algorithm': 2 } : {});
  const identity = (b: Buffer) => b;
  return {
    send: (body) =>
      new Promise((resolve, reject) =>
        client.makeUnaryRequest(TRACE_EXPORT_PATH, identity, identity, Buffer.from(body), new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (error) =>
          error ? reject(error) : resolve(),
        ),
      ),
    close: async () => client.close(),
  };
}

/** Client CPU microseconds and wall milliseconds for EXPORTS sends, CONCURRENCY at a time. */
async function run(send: Send, body: Uint8Array): Promise<{ cpu: number; wall: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next++ < EXPORTS) await send(body);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const used = process.cpuUsage(cpu);
  return { cpu: used.user + used.system, wall: performance.now() - start };
}

function loadCost(specifier: string): string {
  const script = `const m0=process.memoryUsage().rss;const t=performance.now();await import(${JSON.stringify(specifier)});console.log(JSON.stringify({ms:performance.now()-t,rss:process.memoryUsage().rss-m0}))`;
  const runs = Array.from({ length: 5 }, () => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)) }).toString()));
  return `${median(runs.map((r) => r.ms)).toFixed(1)} ms, +${(median(runs.map((r) => r.rss)) / 1024 / 1024).toFixed(1)} MiB RSS`;
}

const child = fork(fileURLToPath(new URL('./grpc-receiver-process.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
const [{ port }] = (await once(child, 'message')) as [{ port: number }];
console.log(`node ${process.version}, ${EXPORTS} exports per round, ${CONCURRENCY} in flight, median of ${ROUNDS} alternating rounds\n`);
console.log('| batch | gzip | client | CPU per export | CPU per span | wall per export |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const spans of [1, 512]) {
  const body = encoded(spans);
  for (const gzip of [false, true]) {
    const clients = { 'node:http2 by hand': ours(port, gzip), '@grpc/grpc-js': theirs(port, gzip) };
    const results: Record<string, { cpu: number[]; wall: number[] }> = {};
    for (const c of Object.values(clients)) await run(c.send, body); // warm-up: connect, JIT
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, c] of Object.entries(clients)) {
        const r = await run(c.send, body);
        (results[name] ??= { cpu: [], wall: [] }).cpu.push(r.cpu / EXPORTS);
        results[name].wall.push(r.wall / EXPORTS);
      }
    }
    for (const [name, r] of Object.entries(results)) {
      const cpu = median(r.cpu);
      console.log(`| ${spans} (${body.length} B) | ${gzip ? 'yes' : 'no'} | ${name} | ${cpu.toFixed(0)} µs | ${(cpu / spans).toFixed(2)} µs | ${(median(r.wall) * 1000).toFixed(0)} µs |`);
    }
    await Promise.all(Object.values(clients).map((c) => c.close()));
  }
}
console.log(`\nloading: node:http2 ${loadCost('node:http2')}; @grpc/grpc-js ${loadCost('@grpc/grpc-js')}`);
child.disconnect();

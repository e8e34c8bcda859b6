// pnpm fuzz [--calls N] [--seed S]: at least a million random hostile calls (default) through every
// tracer and through fan-outs of them, against a real OTLP receiver on 127.0.0.1. Exits 1 on the
// first failure, with fast-check's report (seed and counterexample) to replay it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { TracerPlugin } from '@x/tracer-core';
import { createFanoutTracer } from '@x/tracer-fanout';
import { createMemoryTracer } from '@x/tracer-memory';
import { createOtlpTracer } from '@x/tracer-otlp';
import { createStdoutTracer } from '@x/tracer-stdout';
import { fuzzPlugin } from '@x/tracer-testkit';

const args = process.argv.slice(2);
const target = Number(args[args.indexOf('--calls') + 1] ?? 0) || 1_000_000;
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : undefined;

// A receiver that accepts everything (what it receives is checked by the tests; here: throughput).
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
const sink = () => new PassThrough().resume();
const quiet = { hookProcessShutdown: false } as const;

const factories: [string, () => TracerPlugin][] = [
  ['memory', () => createMemoryTracer()],
  ['stdout json', () => createStdoutTracer({ ...quiet, stream: sink(), format: 'json' })],
  ['stdout pretty', () => createStdoutTracer({ ...quiet, stream: sink(), format: 'pretty' })],
  ['otlp protobuf', () => createOtlpTracer({ ...quiet, url, retry: { maxAttempts: 1 } })],
  ['otlp json', () => createOtlpTracer({ ...quiet, url, protocol: 'http/json', retry: { maxAttempts: 1 } })],
  ['fan-out of all', () => createFanoutTracer([createMemoryTracer(), createStdoutTracer({ ...quiet, stream: sink() }), createOtlpTracer({ ...quiet, url, retry: { maxAttempts: 1 } })])],
  ['nested fan-out', () => createFanoutTracer([createFanoutTracer([createMemoryTracer()]), createStdoutTracer({ ...quiet, stream: sink(), format: 'pretty' })])],
  ['packed: memory', () => createMemoryTracer({ packFinishedSpans: true })],
  ['packed: otlp protobuf + stdout pretty', () => createFanoutTracer([createOtlpTracer({ ...quiet, url, retry: { maxAttempts: 1 }, packFinishedSpans: true }), createStdoutTracer({ ...quiet, stream: sink(), format: 'pretty' })])],
];

let total = 0;
const started = performance.now();
const perTracer = new Map<string, number>();
outer: while (total < target) {
  for (const [name, factory] of factories) {
    const report = await fuzzPlugin(factory, { runs: 200, maxCalls: 100, ...(seed === undefined ? {} : { seed }) });
    total += report.calls;
    perTracer.set(name, (perTracer.get(name) ?? 0) + report.calls);
    if (report.failure) {
      console.error(`FAILED on ${name} after ${total} calls:\n${report.failure}`);
      process.exitCode = 1;
      break outer;
    }
    if (total >= target) break;
  }
  process.stdout.write(`\r${total.toLocaleString()} calls`);
}
server.close();
console.log(`\n${total.toLocaleString()} calls in ${((performance.now() - started) / 1000).toFixed(1)} s, no call threw, ledgers balanced, no prototype polluted`);
for (const [name, calls] of perTracer) console.log(`  ${name.padEnd(16)} ${calls.toLocaleString()}`);

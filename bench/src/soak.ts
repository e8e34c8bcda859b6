// pnpm soak [--spans N] [--rate R]: at least a million spans (default) through a fan-out of stdout
// (to a null stream) and OTLP (to a receiver process on 127.0.0.1), recorded as a busy service
// would (R spans a second, default 20,000, in chunks of 1000), sampling the heap after a forced GC
// every 100k spans. Passes when, after warm-up, the heap stays flat and under the buffer cap, every
// span reached both backends, and the ledgers balance. Exits 1 otherwise. (Unpaced, recording
// outruns what one core can also encode and send; the overflow is then counted, `queue-bytes`.)
import { Writable } from 'node:stream';
import { ledgerProblem } from '@x/tracer-core';
import { createFanoutTracer } from '@x/tracer-fanout';
import { createOtlpTracer } from '@x/tracer-otlp';
import { createStdoutTracer } from '@x/tracer-stdout';
import { gc } from './harness.js';
import { startCountingReceiver } from './receiver.js';
import { oursFullSpan } from './workload.js';

const args = process.argv.slice(2);
const total = Number(args[args.indexOf('--spans') + 1] ?? 0) || 1_000_000;
const rate = Number(args[args.indexOf('--rate') + 1] ?? 0) || 20_000;
const CAP_BYTES = 64 * 1024 * 1024;
const MiB = 1024 * 1024;

const receiver = await startCountingReceiver();
let written = 0;
const nullStream = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    written += chunk.length;
    callback();
  },
});
const stdout = createStdoutTracer({ stream: nullStream, format: 'json', hookProcessShutdown: false, maxBufferedBytes: CAP_BYTES });
const otlp = createOtlpTracer({ url: receiver.tracesUrl, hookProcessShutdown: false, maxBufferedBytes: CAP_BYTES });
const tracer = createFanoutTracer([stdout, otlp]);

const samples: { spans: number; heapMiB: number; buffered: number }[] = [];
const started = performance.now();
const cpu = process.cpuUsage();
for (let done = 0; done < total; ) {
  for (let i = 0; i < 1000; i++) oursFullSpan(tracer);
  done += 1000;
  const due = started + (done / rate) * 1000;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
  if (done % 100_000 === 0) {
    gc();
    const stats = otlp.stats();
    samples.push({ spans: done, heapMiB: process.memoryUsage().heapUsed / MiB, buffered: stats.spansBuffered });
    console.log(`${String(done).padStart(9)} spans  heap ${samples.at(-1)!.heapMiB.toFixed(1).padStart(6)} MiB  otlp buffered ${stats.spansBuffered}`);
  }
}
await tracer.shutdown({ timeoutMillis: 60_000 });
await receiver.waitFor(otlp.stats().spansExported, 10_000).catch(() => undefined);
const seconds = (performance.now() - started) / 1000;
const { user, system } = process.cpuUsage(cpu);
const delivered = (await receiver.count()).spans;
receiver.stop();

const afterWarmup = samples.slice(2).map((s) => s.heapMiB);
const spread = Math.max(...afterWarmup) - Math.min(...afterWarmup);
const peak = Math.max(...samples.map((s) => s.heapMiB));
const dropped = (stats: ReturnType<typeof otlp.stats>) => Object.values(stats.spansDropped).reduce((a, b) => a + b, 0);
const problems = [
  delivered !== otlp.stats().spansExported && `the receiver got ${delivered}, the tracer counted ${otlp.stats().spansExported} exported`,
  dropped(otlp.stats()) + dropped(stdout.stats()) > 0 && `spans were dropped: otlp ${JSON.stringify(otlp.stats().spansDropped)}, stdout ${JSON.stringify(stdout.stats().spansDropped)}`,
  delivered !== total && `the receiver got ${delivered} of ${total} spans`,
  stdout.stats().spansExported !== total && `stdout wrote ${stdout.stats().spansExported} of ${total} spans`,
  ledgerProblem(stdout.stats()) && `stdout ledger: ${ledgerProblem(stdout.stats())}`,
  ledgerProblem(otlp.stats()) && `otlp ledger: ${ledgerProblem(otlp.stats())}`,
  peak > CAP_BYTES / MiB + 32 && `heap peaked at ${peak.toFixed(1)} MiB, over the cap (${CAP_BYTES / MiB} MiB) plus 32 MiB of baseline`,
  spread > 16 && `the heap was not flat after warm-up: it moved ${spread.toFixed(1)} MiB`,
].filter(Boolean);
console.log(
  `\n${total.toLocaleString()} spans at ${rate.toLocaleString()}/s in ${seconds.toFixed(1)} s, ` +
    `CPU ${((user + system) / 1000 / total * 1000).toFixed(2)} µs/span; stdout wrote ${(written / MiB).toFixed(0)} MiB; ` +
    `receiver got ${delivered.toLocaleString()}; heap after warm-up ${Math.min(...afterWarmup).toFixed(1)}-${Math.max(...afterWarmup).toFixed(1)} MiB (cap ${CAP_BYTES / MiB} MiB)`,
);
if (problems.length > 0) {
  console.error(`SOAK FAILED:\n- ${problems.join('\n- ')}`);
  process.exitCode = 1;
} else {
  console.log('soak passed: flat heap under the cap, every span delivered to both backends, ledgers balanced');
}

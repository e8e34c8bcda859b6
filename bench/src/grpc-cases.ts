// End to end over OTLP/gRPC: the workload of `e2e-otlp`, recorded and exported over gRPC to a
// @grpc/grpc-js receiver in another process; CPU of the recording process per delivered span, ours
// against OpenTelemetry's @opentelemetry/exporter-trace-otlp-grpc, with ours over OTLP/HTTP in the
// same rounds as a note, so the two protocols can be compared in one run.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createOtlpTracer, type OtlpTracerOptions } from '@x/tracer-otlp';
import { alternate, check, gc, median, type BenchCase } from './harness.js';
import { otelWith } from './otel.js';
import { cpuMicros, recordInChunks } from './pipeline-cases.js';
import { oursFullSpan, theirsFullSpan } from './workload.js';

/** The gRPC receiver process: where to send, and its span count. */
interface GrpcCountingReceiver {
  readonly url: string;
  reset(): Promise<void>;
  count(): Promise<number>;
  stop(): void;
}

async function startGrpcCountingReceiver(): Promise<GrpcCountingReceiver> {
  const child = fork(fileURLToPath(new URL('./grpc-receiver-process.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  const ask = async (message: 'count' | 'reset') => {
    const answer = once(child, 'message');
    child.send(message);
    return ((await answer) as [{ spans: number }])[0].spans;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    reset: async () => void (await ask('reset')),
    count: () => ask('count'),
    stop: () => child.disconnect(),
  };
}

/** CPU nanoseconds per span to record `total` spans and deliver them all, checked at the receiver. */
async function cpuPerSpan(
  total: number,
  receiver: { reset(): Promise<void>; count(): Promise<number> },
  record: () => void,
  finish: () => Promise<void>,
  who: string,
): Promise<number> {
  gc();
  const cpu = cpuMicros();
  await recordInChunks(total, record);
  await finish();
  const used = cpuMicros() - cpu;
  // Both exporters resolve once the last reply is in: the receiver has counted everything.
  check(`receiver got (${who})`, await receiver.count(), total);
  return (used * 1000) / total;
}

export const e2eOtlpGrpc: BenchCase = {
  id: 'e2e-otlp-grpc',
  async run(context) {
    const total = context.quick ? 20_000 : 200_000;
    const grpcReceiver = await startGrpcCountingReceiver();
    const httpReceiver = {
      reset: () => context.receiver.reset(),
      count: async () => (await context.receiver.count()).spans,
    };
    const ours = async (options: OtlpTracerOptions, receiver: typeof httpReceiver, who: string) => {
      await receiver.reset();
      const tracer = createOtlpTracer({ hookProcessShutdown: false, ...options });
      return cpuPerSpan(total, receiver, () => oursFullSpan(tracer), () => tracer.shutdown({ timeoutMillis: 60_000 }), who);
    };
    const oursHttp: number[] = [];
    try {
      const result = await alternate(
        context.quick ? 1 : 3,
        1,
        async () => {
          // Ours over OTLP/HTTP in the same round, for the note (the warm-up's sample left out).
          oursHttp.push(await ours({ url: context.receiver.tracesUrl }, httpReceiver, 'ours, http'));
          return ours({ protocol: 'grpc', url: grpcReceiver.url }, grpcReceiver, 'ours, grpc');
        },
        async () => {
          await grpcReceiver.reset();
          // Concurrency raised as in e2e-otlp, so that flushing a large queue loses nothing.
          const exporter = new OTLPTraceExporter({ url: grpcReceiver.url, concurrencyLimit: 10_000 });
          const otel = otelWith([new BatchSpanProcessor(exporter, { maxQueueSize: total + 1 })]);
          return cpuPerSpan(total, grpcReceiver, () => theirsFullSpan(otel.tracer), () => otel.shutdown(), 'theirs, grpc');
        },
      );
      return { id: this.id, unit: 'ns CPU/span', ...result, notes: { 'ours over OTLP/HTTP': Math.round(median(oursHttp.slice(1))) } };
    } finally {
      grpcReceiver.stop();
    }
  },
};

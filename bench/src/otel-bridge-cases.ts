// The OpenTelemetry bridge (@x/tracer-otel): what an OpenTelemetry API span costs when it records
// through createOtelTracerProvider into our OTLP tracer's buffer, next to our native TracerPlugin
// path (the `native` note) and OpenTelemetry's own SDK provider with BatchSpanProcessor ("theirs");
// and what an OpenTelemetry exporter costs behind fromOtelExporter, against the same exporter behind
// their BatchSpanProcessor.
import { configure } from '@x/trace';
import { createOtlpTracer } from '@x/tracer-otlp';
import { createOtelTracerProvider, fromOtelExporter } from '@x/tracer-otel';
import { alternate, check, median, timed, type BenchCase, type BenchContext } from './harness.js';
import { otelBatch } from './otel.js';
import { e2eAgainstTheirs, theirsExporter } from './pipeline-cases.js';
import { oursFullSpan, theirsFullSpan } from './workload.js';

const ROUND = 2000;
const rounds = (context: BenchContext) => (context.quick ? 4 : 30);

function oursOtlp(context: BenchContext) {
  return createOtlpTracer({ url: context.receiver.tracesUrl, hookProcessShutdown: false, scheduledDelayMillis: 3_600_000 });
}

/**
 * ns per full span (theirsFullSpan's calls on OpenTelemetry's API) through the bridge, against their
 * SDK; `native` is ourFullSpan on our OTLP tracer directly, measured in the same run. `onRuntime`:
 * the provider on @x/trace's runtime (configure()), else on the plugin directly.
 */
function bridgeCase(id: string, onRuntime: boolean): BenchCase {
  return {
    id,
    async run(context) {
      const ours = oursOtlp(context);
      const native = oursOtlp(context);
      if (onRuntime) configure({ tracer: ours, records: false });
      const bridged = (onRuntime ? createOtelTracerProvider() : createOtelTracerProvider(ours)).getTracer('bench');
      const { otel, exporters } = otelBatch(ROUND * 2);
      let oursDone = 0;
      let theirsDone = 0;
      const nativeRounds: number[] = [];
      const result = await alternate(
        rounds(context),
        3,
        async () => {
          const ns = timed(ROUND, () => {
            for (let i = 0; i < ROUND; i++) theirsFullSpan(bridged);
          });
          await ours.flush();
          check('ours exported', ours.stats().spansExported, (oursDone += ROUND));
          nativeRounds.push(timed(ROUND, () => {
            for (let i = 0; i < ROUND; i++) oursFullSpan(native);
          }));
          await native.flush();
          return ns;
        },
        async () => {
          const ns = timed(ROUND, () => {
            for (let i = 0; i < ROUND; i++) theirsFullSpan(otel.tracer);
          });
          await otel.flush();
          check('theirs exported', exporters[0]!.count, (theirsDone += ROUND));
          return ns;
        },
      );
      if (onRuntime) configure({});
      await Promise.all([ours.shutdown(), native.shutdown(), otel.shutdown()]);
      const nativeNs = median(nativeRounds.slice(3));
      return { id, unit: 'ns/span', ...result, notes: { 'native ns': Math.round(nativeNs), 'bridge/native': (result.ours / nativeNs).toFixed(2) } };
    },
  };
}

export const otelBridgeSpan = bridgeCase('otel-bridge-span', false);
export const otelBridgeRuntime = bridgeCase('otel-bridge-runtime', true);

/**
 * CPU per span, end to end, of their OTLP/HTTP protobuf exporter delivering to the counting receiver:
 * behind fromOtelExporter (our recording and buffer, spans converted to ReadableSpan at export)
 * against behind their SDK provider and BatchSpanProcessor.
 */
export const otelExporterE2e: BenchCase = {
  id: 'e2e-otel-exporter',
  run(context) {
    return e2eAgainstTheirs(this.id, context, (url, total) => fromOtelExporter(theirsExporter(url), { hookProcessShutdown: false, maxBufferedSpans: total + 1 }));
  },
};

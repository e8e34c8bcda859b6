// pnpm bench [--json FILE] [--quick] [--only id,id]: every case for both libraries in one run,
// alternating rounds after a warm-up; prints medians and ours/theirs.
import type { BenchCase } from './harness.js';
import { burstDefaults, e2eOtlp, encodeJson, encodeProtobuf, exportLoopDelay, heapBuffered } from './pipeline-cases.js';
import { fanout3, spanFull, spanNested, spanUnsampled } from './recording-cases.js';
import { headSampledOut, tailSampled } from './sampling-cases.js';
import { encodeZipkin } from './zipkin-cases.js';
import { e2eOtlpGrpc } from './grpc-cases.js';
import { withSpanCase, withSpanDisabled } from './api-cases.js';
import { otelBridgeRuntime, otelBridgeSpan, otelExporterE2e } from './otel-bridge-cases.js';
import { runCases } from './run-cases.js';

const CASES: BenchCase[] = [spanFull, spanUnsampled, headSampledOut, tailSampled, spanNested, fanout3, withSpanCase, withSpanDisabled, encodeProtobuf, encodeJson, encodeZipkin, e2eOtlp, e2eOtlpGrpc, heapBuffered, burstDefaults, exportLoopDelay, otelBridgeSpan, otelBridgeRuntime, otelExporterE2e];

await runCases(CASES, process.argv.slice(2));

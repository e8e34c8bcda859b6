// Control services for proving the harness, built on the example service's `POST /test` with the
// sending of each action swapped: they add trace context by hand, where the example leaves it to
// the automatic instrumentation.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  ROOT_CONTEXT,
  TraceFlags,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  trace,
  type SpanContext,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { postAction, startService, type RunningService } from '../../src/service.js';

/**
 * - `opentelemetry`: OpenTelemetry JS's `W3CTraceContextPropagator` reads the incoming request and
 *   writes each outgoing one: the same trace-id, a new parent-id per request, the flags and
 *   tracestate passed on; a new sampled trace when nothing valid came in.
 * - `silent`: sends no trace context at all.
 * - `restarting`: starts a new trace on every outgoing request, ignoring what came in.
 */
export type Control = 'opentelemetry' | 'silent' | 'restarting';

/** Starts a control service on 127.0.0.1, on a free port. */
export function startControlService(control: Control): Promise<RunningService> {
  const headersFor = CONTROLS[control];
  return startService(0, { send: (action, request) => postAction(action, headersFor(request.headers)) });
}

const propagator = new W3CTraceContextPropagator();

const CONTROLS: Record<Control, (incoming: IncomingHttpHeaders) => Record<string, string>> = {
  opentelemetry(incoming) {
    const remote = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, incoming, defaultTextMapGetter));
    return inject(
      remote && isSpanContextValid(remote)
        ? { ...remote, spanId: randomId(8), isRemote: false }
        : { traceId: randomId(16), spanId: randomId(8), traceFlags: TraceFlags.SAMPLED },
    );
  },
  silent: () => ({}),
  restarting: () => inject({ traceId: randomId(16), spanId: randomId(8), traceFlags: TraceFlags.SAMPLED }),
};

function inject(spanContext: SpanContext): Record<string, string> {
  const outgoing: Record<string, string> = {};
  propagator.inject(trace.setSpanContext(ROOT_CONTEXT, spanContext), outgoing, defaultTextMapSetter);
  return outgoing;
}

/** `bytes` random bytes as lowercase hex (all zero is invalid, and one chance in 2^64 or less). */
function randomId(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

import type { SpanHandle } from './span-handle.js';
import type { SpanStatus } from './span-status.js';
import type { SpanEvent, SpanStart, TracerPlugin } from './tracer-plugin.js';

/**
 * The recording calls of the contract, on their own: what a recorder or a fan-out strategy offers.
 * `updateName`, optional for plugins, is required here: every recorder and strategy has it;
 * `traceState` stays optional (a strategy that cannot answer leaves it out).
 */
export type RecordingCalls = Pick<TracerPlugin, 'startSpan' | 'setAttribute' | 'setStatus' | 'addEvent' | 'endSpan' | 'traceState'> &
  Required<Pick<TracerPlugin, 'updateName'>>;

/**
 * Base of tracers whose recording is another object's (a `SpanRecorder`, a fan-out's strategy):
 * the recording calls, delegated, and nothing else, so each tracer says only what it adds (what happens
 * to finished spans, flush, shutdown, stats). The delegate keeps the contract: never throws.
 */
export abstract class DelegatingTracer implements RecordingCalls {
  /** Where the recording calls go; set once, in the subclass's constructor. */
  protected abstract readonly recording: RecordingCalls;

  startSpan(start: SpanStart): SpanHandle {
    return this.recording.startSpan(start);
  }

  setAttribute(span: SpanHandle, key: string, value: unknown): void {
    this.recording.setAttribute(span, key, value as never);
  }

  setStatus(span: SpanHandle, status: SpanStatus): void {
    this.recording.setStatus(span, status);
  }

  addEvent(span: SpanHandle, event: SpanEvent): void {
    this.recording.addEvent(span, event);
  }

  endSpan(span: SpanHandle, endTimeUnixNanos?: bigint): void {
    this.recording.endSpan(span, endTimeUnixNanos);
  }

  updateName(span: SpanHandle, name: string): void {
    this.recording.updateName(span, name);
  }

  traceState(span: SpanHandle): string | undefined {
    return this.recording.traceState?.(span);
  }
}

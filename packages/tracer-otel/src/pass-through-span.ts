import { INVALID_SPAN_CONTEXT, type SpanContext } from '@opentelemetry/api';
import type { Span as XSpan } from '@x/trace';
import { BridgeSpan } from './bridge-span.js';

/**
 * The span the bridge hands back when it records nothing itself (tracing suppressed, or an HTTP span
 * that `@x/trace`'s `instrumentHttp()` already makes): it records nothing and carries the context it
 * was started in through. Its span context is the parent's, so what the caller injects or nests
 * under it joins the parent; `xSpan` is the `@x/trace` span that was current, so a context holding
 * this span keeps that span current for `withSpan` (see `context-manager.ts`).
 */
export class PassThroughSpan extends BridgeSpan {
  readonly xSpan: XSpan | undefined;
  readonly #context: SpanContext;

  constructor(context: SpanContext | undefined, xSpan: XSpan | undefined) {
    super();
    this.#context = context ?? INVALID_SPAN_CONTEXT;
    this.xSpan = xSpan;
  }

  spanContext(): SpanContext {
    return this.#context;
  }

  isRecording(): boolean {
    return false;
  }

  protected set(): void {}
  protected event(): void {}
  protected status(): void {}
  protected rename(): void {}
  protected finish(): void {}
}

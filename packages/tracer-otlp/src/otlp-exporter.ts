import { ExportFailedError, type ExportResult, type FinishedSpan, type SpanExporter } from '@x/tracer-core';
import type { HttpTransport } from './http-transport.js';
import type { RequestEncoder } from './otlp-protobuf.js';
import type { PartialSuccess } from './partial-success.js';
import type { ResolvedRetry } from './retry-policy.js';
import { sendWithRetry } from './retrying-send.js';

/** What the exporter is wired with; see `createOtlpTracer`. */
export interface OtlpExporterConfig {
  readonly encoder: RequestEncoder;
  readonly readPartialSuccess: (body: Uint8Array) => PartialSuccess;
  readonly transport: HttpTransport;
  readonly timeoutMillis: number;
  readonly retry: ResolvedRetry;
  readonly maxRequestBytes: number;
  /** The endpoint for messages: no credentials in it. */
  readonly endpoint: string;
  /** Removes configured secrets from text that came from the receiver. */
  readonly redact: (text: string) => string;
}

interface Request {
  readonly spans: readonly FinishedSpan[];
  readonly body: Uint8Array;
}

/**
 * Encoding yields to the event loop once it has run this long, so a big batch never blocks the loop
 * for more than about this much; slicing by time rather than by count keeps the export's throughput
 * up when the application keeps the loop busy (a fixed small slice per turn starves it).
 */
export const ENCODE_SLICE_MILLIS = 1.5;
const STEP = 32;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function encodeSliced(encoder: RequestEncoder, spans: readonly FinishedSpan[]): Promise<Uint8Array> {
  const request = encoder.begin();
  let sliceStart = performance.now();
  for (let from = 0; from < spans.length; from += STEP) {
    if (performance.now() - sliceStart >= ENCODE_SLICE_MILLIS) {
      await nextTurn();
      sliceStart = performance.now();
    }
    encoder.append(request, spans, from, Math.min(spans.length, from + STEP));
  }
  return encoder.end(request);
}

/** Splits `spans` into requests of at most `maxBytes` (halving); a lone span over it comes back in `tooLarge`. */
async function pack(spans: readonly FinishedSpan[], encoder: RequestEncoder, maxBytes: number, tooLarge: FinishedSpan[]): Promise<Request[]> {
  const body = await encodeSliced(encoder, spans);
  if (body.length <= maxBytes) return [{ spans, body }];
  if (spans.length === 1) {
    tooLarge.push(spans[0]!);
    return [];
  }
  const middle = spans.length >> 1;
  return [
    ...(await pack(spans.slice(0, middle), encoder, maxBytes, tooLarge)),
    ...(await pack(spans.slice(middle), encoder, maxBytes, tooLarge)),
  ];
}

function replyText(body: Buffer, redact: (text: string) => string): string {
  const text = body.toString('utf8').replace(/[^\x20-\x7e]+/g, ' ').trim();
  return text === '' ? '' : `: ${redact(text.length > 200 ? `${text.slice(0, 200)}...` : text)}`;
}

/**
 * The OTLP/HTTP `SpanExporter`: encode (yielding to the event loop every 1.5 ms of encoding), split
 * to `maxRequestBytes`, send each request with
 * retries, all within `timeoutMillis`. Outcomes, per request: delivered (a partial success's
 * rejected spans counted as `export-rejected`); refused by a final HTTP status (dropped as
 * `http-<status>`); given up on after the retries or the deadline (back to the buffer for the next
 * round); aborted (back to the buffer). A span that alone exceeds `maxRequestBytes` is dropped as
 * `span-too-large`.
 */
export function createOtlpExporter(config: OtlpExporterConfig): SpanExporter {
  return {
    async export(batch, { signal }): Promise<ExportResult> {
      const deadline = performance.now() + config.timeoutMillis;
      const tooLarge: FinishedSpan[] = [];
      const requests = await pack(batch, config.encoder, config.maxRequestBytes, tooLarge);
      const dropped: Record<string, number> = {};
      const deferred: FinishedSpan[] = [];
      const problems: string[] = [];
      let rejected = 0;
      const warnings: string[] = [];
      if (tooLarge.length > 0) {
        dropped['span-too-large'] = tooLarge.length;
        problems.push(`${tooLarge.length} span(s) larger than maxRequestBytes (${config.maxRequestBytes}) alone were dropped`);
      }
      for (const request of requests) {
        if (signal.aborted) {
          deferred.push(...request.spans);
          continue;
        }
        const outcome = await sendWithRetry(config.transport, request.body, deadline, config.retry, signal);
        switch (outcome.kind) {
          case 'delivered': {
            const partial = config.readPartialSuccess(outcome.body);
            rejected += Math.min(partial.rejectedSpans, request.spans.length);
            if (partial.errorMessage !== '') warnings.push(config.redact(partial.errorMessage));
            break;
          }
          case 'refused': {
            const reason = `http-${outcome.status}`;
            dropped[reason] = (dropped[reason] ?? 0) + request.spans.length;
            problems.push(`HTTP ${outcome.status}${replyText(outcome.body, config.redact)} (not retryable: ${request.spans.length} spans dropped)`);
            break;
          }
          case 'gave-up':
            deferred.push(...request.spans);
            problems.push(`${outcome.why} after ${outcome.attempts} attempt(s) (spans kept for the next export)`);
            break;
          case 'aborted':
            deferred.push(...request.spans);
            break;
        }
      }
      const error =
        problems.length === 0 ? undefined : new ExportFailedError(`OTLP export to ${config.endpoint} failed: ${problems.join('; ')}`);
      if (error !== undefined && deferred.length === batch.length) return { status: 'retryable', error };
      const message = warnings.length > 0 ? { message: warnings.join('; ') } : {};
      if (error === undefined && rejected === 0 && deferred.length === 0) return { status: 'success', ...message };
      return {
        status: 'partial',
        rejected,
        ...message,
        deferred,
        dropped,
        ...(error === undefined ? {} : { error }),
      };
    },
    shutdown: () => config.transport.close(),
  };
}

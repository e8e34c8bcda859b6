import { ExportFailedError, type ExportResult, type FinishedSpan, type SpanExporter } from '@x/tracer-core';
import type { Transport } from './transport.js';

/**
 * Encodes requests in steps, so a big batch can be written in slices with the event loop free in
 * between: `begin` starts a request in a new writer, `append` adds spans, `end` returns the bytes.
 */
export interface RequestEncoder {
  begin(): unknown;
  append(request: unknown, spans: readonly FinishedSpan[], from: number, to: number): void;
  end(request: unknown): Uint8Array;
}

/** What a receiver said it rejected in a 2xx reply (as OTLP's partial success says it). */
export interface PartialSuccess {
  readonly rejectedSpans: number;
  readonly errorMessage: string;
}

/** How a protocol's requests are encoded and its 2xx replies read. */
export interface ExportFormat {
  readonly encoder: RequestEncoder;
  /** Reads what a 2xx reply says was rejected. Pure; never throws. Absent: a 2xx takes every span. */
  readonly readPartialSuccess?: (body: Uint8Array) => PartialSuccess;
  /**
   * A `refused` result's status as a drop reason and as words for messages; by default HTTP's
   * (`http-400`, `HTTP 400`). A transport whose statuses are not HTTP's (gRPC codes) names its own.
   */
  readonly describeRefusal?: (status: number) => { readonly reason: string; readonly text: string };
}

/** What the exporter is wired with; see `createOtlpTracer` and `createZipkinTracer`. */
export interface HttpExporterConfig {
  /** The protocol's name in messages, such as 'OTLP' or 'Zipkin'. */
  readonly protocol: string;
  /** Encodes requests and reads partial successes; the transport sends their content type. */
  readonly format: ExportFormat;
  /** Sends one request; retries, if any, are the transport's (`createRetryingTransport`). */
  readonly transport: Transport;
  /** Deadline of one export, all its requests included: each request gets what is left of it. */
  readonly timeoutMillis: number;
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

function replyText(body: Uint8Array, redact: (text: string) => string): string {
  const text = Buffer.from(body).toString('utf8').replace(/[^\x20-\x7e]+/g, ' ').trim();
  return text === '' ? '' : `: ${redact(text.length > 200 ? `${text.slice(0, 200)}...` : text)}`;
}

/**
 * The `SpanExporter` of an HTTP span protocol (OTLP/HTTP, Zipkin v2): encode (yielding to the event loop every 1.5 ms of encoding), split
 * to `maxRequestBytes`, send each request through the transport, all within `timeoutMillis`.
 * Outcomes, per request: delivered (a partial success's rejected spans counted as
 * `export-rejected`); refused by a final HTTP status (dropped as `http-<status>`); still retryable
 * after the transport's retries or the deadline (back to the buffer for the next round); aborted
 * (back to the buffer). A span that alone exceeds `maxRequestBytes` is dropped as `span-too-large`.
 * The export is a `success` when every span was delivered, `retryable` when none was and all can
 * be tried again, else `partial`.
 */
export function createHttpExporter(config: HttpExporterConfig): SpanExporter {
  const { format, transport } = config;
  return {
    async export(batch, { signal }): Promise<ExportResult> {
      const deadline = performance.now() + config.timeoutMillis;
      const tooLarge: FinishedSpan[] = [];
      const requests = await pack(batch, format.encoder, config.maxRequestBytes, tooLarge);
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
        const result = await transport.send(request.body, deadline - performance.now(), signal);
        switch (result.kind) {
          case 'delivered': {
            if (format.readPartialSuccess === undefined) break;
            const partial = format.readPartialSuccess(result.body);
            rejected += Math.min(partial.rejectedSpans, request.spans.length);
            if (partial.errorMessage !== '') warnings.push(config.redact(partial.errorMessage));
            break;
          }
          case 'refused': {
            const { reason, text } = format.describeRefusal?.(result.status) ?? { reason: `http-${result.status}`, text: `HTTP ${result.status}` };
            dropped[reason] = (dropped[reason] ?? 0) + request.spans.length;
            problems.push(`${text}${replyText(result.body, config.redact)} (not retryable: ${request.spans.length} spans dropped)`);
            break;
          }
          case 'retryable':
            deferred.push(...request.spans);
            problems.push(`${result.reason} (spans kept for the next export)`);
            break;
          case 'aborted':
            deferred.push(...request.spans);
            break;
        }
      }
      const error =
        problems.length === 0 ? undefined : new ExportFailedError(`${config.protocol} export to ${config.endpoint} failed: ${problems.join('; ')}`);
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
    shutdown: () => transport.close(),
  };
}

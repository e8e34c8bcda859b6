// The OTLP/HTTP trace receiver: POST /v1/traces in protobuf or JSON, gzip or not, to an
// IngestSink, answered the way OTLP/HTTP senders expect (their retry decisions read the status).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SpanRow } from '../span-row.js';
import { decodeOtlpJson, decodeOtlpProtobuf, OtlpDecodeError, type DecodedSpans } from './otlp-decode.js';
import { exportAnswer, statusAnswer, type OtlpAnswer, type OtlpEncoding } from './otlp-response.js';
import { gunzipBounded, readBody } from './request-body.js';

// The decoders are public too (pure, for tests and for other transports); one import point.
export { decodeOtlpJson, decodeOtlpProtobuf, OtlpDecodeError, type DecodedSpans } from './otlp-decode.js';

export type IngestOutcome =
  /** Written (duplicates ignored: ingest is idempotent). */
  | { readonly status: 'stored' }
  /** The store's bounded queue is full: answered 503 + Retry-After so the sender retries. */
  | { readonly status: 'busy'; readonly retryAfterSeconds: number }
  /** The store failed: answered 500, which OTLP senders do not retry (the sender reports it). */
  | { readonly status: 'failed'; readonly message: string };

/** Where received rows go: the store, or a test's collector. */
export interface IngestSink {
  /** Called once per request with its storable rows (never with none). A rejection counts as 'failed'. */
  ingest(rows: readonly SpanRow[]): Promise<IngestOutcome>;
}

export interface OtlpReceiverOptions {
  /**
   * Largest request body accepted as sent (compressed, when gzip); larger ones get 413 and are
   * not buffered.
   * @defaultValue 16 MiB
   */
  maxBodyBytes?: number;
  /**
   * Largest body accepted after gunzip; past it 413.
   * @defaultValue 64 MiB
   */
  maxDecodedBytes?: number;
}

const MIB = 1024 * 1024;

const DECODERS: Readonly<Record<OtlpEncoding, (body: Buffer) => DecodedSpans>> = {
  protobuf: (body) => decodeOtlpProtobuf(body),
  json: (body) => decodeOtlpJson(body.toString('utf8')),
};

/**
 * A request handler for POST /v1/traces; the caller routes that path to it (other methods there
 * get 405). Each request is decoded, its storable spans handed to `sink` in one call, and the
 * answer sent after the sink settles: 200 (with partial_success when spans were rejected), 400
 * undecodable, 413 too large, 415 unsupported Content-Type or Content-Encoding, 503 with
 * Retry-After when the sink is busy, 500 when it failed. The handler never throws, and a client
 * that aborts mid-body is dropped without reaching the sink.
 */
export function createOtlpReceiver(sink: IngestSink, options: OtlpReceiverOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBodyBytes = options.maxBodyBytes ?? 16 * MIB;
  const maxDecodedBytes = options.maxDecodedBytes ?? 64 * MIB;

  async function answerFor(req: IncomingMessage): Promise<OtlpAnswer | 'aborted'> {
    const encoding = encodingOf(req.headers['content-type']);
    if (req.method !== 'POST') {
      return statusAnswer(encoding ?? 'protobuf', 405, `method ${req.method} not allowed: OTLP/HTTP exports with POST`, { allow: 'POST' });
    }
    if (encoding === undefined) {
      const type = req.headers['content-type'] ?? '(none)';
      return statusAnswer('protobuf', 415, `Content-Type ${type} not supported: send application/x-protobuf or application/json`);
    }
    const gzipped = gzipOf(req.headers['content-encoding']);
    if (gzipped === undefined) {
      return statusAnswer(encoding, 415, `Content-Encoding ${req.headers['content-encoding']} not supported: send gzip or none`);
    }
    const declared = Number(req.headers['content-length']);
    if (declared > maxBodyBytes) return statusAnswer(encoding, 413, `request body of ${declared} bytes exceeds ${maxBodyBytes}`);

    let body = await readBody(req, maxBodyBytes);
    if (body.kind === 'body' && gzipped) body = await gunzipBounded(body.bytes, maxDecodedBytes);
    if (body.kind === 'aborted') return 'aborted';
    if (body.kind === 'too-large') return statusAnswer(encoding, 413, body.message);
    if (body.kind === 'corrupt') return statusAnswer(encoding, 400, body.message);

    let decoded: DecodedSpans;
    try {
      decoded = DECODERS[encoding](body.bytes);
    } catch (error) {
      if (error instanceof OtlpDecodeError) return statusAnswer(encoding, 400, error.message);
      throw error;
    }
    if (decoded.rows.length > 0) {
      const outcome = await ingestSafely(sink, decoded.rows);
      if (outcome.status === 'busy') {
        // Retry-After takes whole seconds; under 1 (or not a number) would invite an instant retry.
        const wanted = Math.ceil(outcome.retryAfterSeconds);
        const seconds = Number.isFinite(wanted) && wanted > 1 ? wanted : 1;
        return statusAnswer(encoding, 503, `store busy: retry after ${seconds} s`, { 'retry-after': String(seconds) });
      }
      if (outcome.status === 'failed') return statusAnswer(encoding, 500, `store failed: ${outcome.message}`);
    }
    return exportAnswer(encoding, decoded.rejected, decoded.rejectionMessage);
  }

  return (req, res) => {
    answerFor(req)
      .catch((error: unknown) => statusAnswer(encodingOf(req.headers['content-type']) ?? 'protobuf', 500, `receiver failed: ${String(error)}`))
      .then((answer) => {
        if (answer === 'aborted' || res.destroyed) return;
        // An unread body (415, 413 before reading) would otherwise hold the connection open.
        const closing = !req.complete ? { connection: 'close' } : {};
        res.writeHead(answer.statusCode, { ...answer.headers, ...closing }).end(answer.body);
      })
      .catch(() => {
        // Writing to a socket that died between the check and the write: nobody left to tell.
      });
  };
}

async function ingestSafely(sink: IngestSink, rows: readonly SpanRow[]): Promise<IngestOutcome> {
  try {
    return await sink.ingest(rows);
  } catch (error) {
    return { status: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
}

function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

/** true for gzip, false for none, undefined for an encoding the receiver cannot undo. */
function gzipOf(contentEncoding: string | undefined): boolean | undefined {
  const coding = contentEncoding?.trim().toLowerCase() ?? '';
  if (coding === '' || coding === 'identity') return false;
  return coding === 'gzip' || coding === 'x-gzip' ? true : undefined;
}

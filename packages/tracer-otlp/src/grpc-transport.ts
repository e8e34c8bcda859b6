import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type IncomingHttpStatusHeader } from 'node:http2';
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import { InvalidOptionError } from '@x/tracer-core';
import {
  GRPC_OK,
  grpcCodeName,
  grpcCodeOfHttpStatus,
  grpcTimeoutHeader,
  isRetryableGrpcCode,
  retryDelayFromStatusDetails,
} from './grpc-status.js';
import type { TlsOptions } from './http-transport.js';
import { ABORTED, type Transport, type TransportResult } from './transport.js';

const gzipAsync = promisify(gzip);
const MAX_RESPONSE_BYTES = 64 * 1024;
/** The one method OTLP/gRPC calls for traces (opentelemetry/proto/collector/trace/v1/trace_service.proto). */
export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
/** HTTP/1.1 connection headers, which HTTP/2 forbids (RFC 9113, 8.2.2): node:http2 throws on them. */
const CONNECTION_HEADERS = new Set(['connection', 'upgrade', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'http2-settings']);

export interface GrpcTransportOptions {
  /** Only the origin counts: the path of a gRPC method is fixed. */
  readonly url: URL;
  /** Sent as metadata; names are lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly gzip: boolean;
  readonly tls: TlsOptions | undefined;
}

/**
 * One unary gRPC call to `TraceService/Export` as a {@link Transport}, framed by hand over
 * `node:http2` (the README says why not `@grpc/grpc-js`): a 5-byte length prefix, `te: trailers`,
 * `grpc-timeout` from the time left, gzip (`grpc-encoding`) off the event loop when asked. What the
 * status means is decided here, once, as the OTLP specification says: OK delivered (the reply may
 * hold a partial success), the retryable codes retryable (with RetryInfo's delay), any other code
 * refused with `status` the gRPC code. One HTTP/2 session carries every call and is opened again
 * after it fails. It never retries; `createRetryingTransport` does.
 */
export class GrpcTransport implements Transport {
  readonly #origin: string;
  readonly #tls: TlsOptions | undefined;
  readonly #headers: Record<string, string>;
  readonly #gzip: boolean;
  #session: ClientHttp2Session | undefined;
  /**
   * Calls in flight per session. A session is ref'd while it carries a call and unref'd when its own
   * last call ends: one count for the transport would leave a newer session ref'd (after a GOAWAY,
   * the old session's last call ends after the new one's) and the process would never exit.
   */
  readonly #inFlight = new WeakMap<ClientHttp2Session, number>();
  #closed = false;

  /** @throws InvalidOptionError for a header HTTP/2 cannot carry: found here, not on every send. */
  constructor(options: GrpcTransportOptions) {
    for (const name of Object.keys(options.headers)) {
      if (CONNECTION_HEADERS.has(name)) {
        throw new InvalidOptionError(`headers: ${JSON.stringify(name)} is an HTTP/1.1 connection header, which HTTP/2 (protocol 'grpc') does not allow; leave it out`);
      }
    }
    this.#origin = options.url.origin;
    this.#tls = options.tls;
    this.#gzip = options.gzip;
    this.#headers = {
      ...options.headers,
      ':method': 'POST',
      ':path': TRACE_EXPORT_PATH,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-accept-encoding': 'identity,gzip',
    };
    if (options.gzip) this.#headers['grpc-encoding'] = 'gzip';
  }

  async send(body: Uint8Array, timeoutMillis: number, signal: AbortSignal): Promise<TransportResult> {
    if (signal.aborted) return ABORTED;
    if (this.#closed) return { kind: 'retryable', reason: 'the transport is closed' };
    const started = performance.now();
    let message: Uint8Array;
    try {
      message = this.#gzip ? await gzipAsync(body) : body;
    } catch (error) {
      return { kind: 'retryable', reason: describeError(error) };
    }
    if (signal.aborted) return ABORTED;
    const left = timeoutMillis - (performance.now() - started);
    if (left <= 0) return noAnswer(timeoutMillis);
    const frame = Buffer.allocUnsafe(5 + message.length);
    frame[0] = this.#gzip ? 1 : 0;
    frame.writeUInt32BE(message.length, 1);
    frame.set(message, 5);
    return this.#call(frame, left, timeoutMillis, signal);
  }

  #call(frame: Buffer, left: number, timeoutMillis: number, signal: AbortSignal): Promise<TransportResult> {
    let session: ClientHttp2Session;
    let stream: ClientHttp2Stream;
    try {
      session = this.#connect();
      stream = session.request({ ...this.#headers, 'grpc-timeout': grpcTimeoutHeader(left) });
    } catch (error) {
      // A session that began closing between the check and the request (a GOAWAY): try again.
      return Promise.resolve({ kind: 'retryable', reason: describeError(error) });
    }
    const calls = (this.#inFlight.get(session) ?? 0) + 1;
    this.#inFlight.set(session, calls);
    if (calls === 1) session.ref();
    return new Promise<TransportResult>((resolve) => {
      let headers: IncomingHttpHeaders & IncomingHttpStatusHeader = {};
      let trailers: IncomingHttpHeaders | undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (result: TransportResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (!stream.closed) stream.close(constants.NGHTTP2_CANCEL);
        const left = this.#inFlight.get(session)! - 1;
        this.#inFlight.set(session, left);
        if (left === 0) session.unref();
        resolve(result);
      };
      const timer = setTimeout(() => finish(noAnswer(timeoutMillis)), left);
      timer.unref();
      const onAbort = () => finish(ABORTED);
      signal.addEventListener('abort', onAbort, { once: true });
      stream.on('response', (h) => (headers = h));
      stream.on('trailers', (t) => (trailers = t));
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_RESPONSE_BYTES + 5) chunks.push(chunk);
      });
      stream.on('error', (error) => finish({ kind: 'retryable', reason: describeError(error) }));
      stream.on('close', () => finish(resultOfCall(headers, trailers, Buffer.concat(chunks))));
      stream.end(frame);
    });
  }

  /** The open session, or a new one: a failed or closed one is dropped and opened again on next use. */
  #connect(): ClientHttp2Session {
    const current = this.#session;
    if (current !== undefined && !current.closed && !current.destroyed) return current;
    const tls = this.#tls;
    const session = connect(
      this.#origin,
      tls === undefined ? {} : { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized ?? true },
    );
    // A session error also fails its streams, and each stream's error is its send's result.
    session.on('error', () => undefined);
    session.on('close', () => {
      if (this.#session === session) this.#session = undefined;
    });
    // Idle, the session must not keep the process alive; a call in flight refs it.
    session.unref();
    this.#session = session;
    return session;
  }

  close(): Promise<void> {
    this.#closed = true;
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined || session.closed) return Promise.resolve();
    return new Promise((resolve) => {
      session.close(() => resolve());
      // Close waits for calls in flight; at shutdown those have been aborted, so this is a backstop.
      setTimeout(() => session.destroy(), 1000).unref();
    });
  }
}

/** What a finished call means: its `grpc-status` (in the trailers, or the headers of a trailers-only reply). */
function resultOfCall(headers: IncomingHttpHeaders & IncomingHttpStatusHeader, trailers: IncomingHttpHeaders | undefined, data: Buffer): TransportResult {
  const all = { ...headers, ...trailers };
  const raw = all['grpc-status'];
  const httpStatus = Number(headers[':status'] ?? 0);
  if (raw === undefined && httpStatus === 0) return { kind: 'retryable', reason: 'the stream closed without a reply' };
  const code = raw === undefined ? grpcCodeOfHttpStatus(httpStatus) : Number(raw);
  if (code === GRPC_OK) return { kind: 'delivered', body: messageOf(data, String(all['grpc-encoding'] ?? 'identity')) };
  const retryAfterMillis = retryDelayFromStatusDetails(all['grpc-status-details-bin']);
  if (isRetryableGrpcCode(code, retryAfterMillis !== undefined)) {
    return { kind: 'retryable', reason: `gRPC ${grpcCodeName(code)}`, ...(retryAfterMillis === undefined ? {} : { retryAfterMillis }) };
  }
  return { kind: 'refused', status: code, body: Buffer.from(decodeMessage(all['grpc-message']), 'utf8') };
}

/** The reply's one message, gunzipped when flagged; empty when absent or unreadable (no partial success). */
function messageOf(data: Buffer, encoding: string): Uint8Array {
  if (data.length < 5) return new Uint8Array(0);
  const length = data.readUInt32BE(1);
  const message = data.subarray(5, 5 + length);
  if (data[0] === 0) return message;
  try {
    return encoding === 'gzip' ? gunzipSync(message, { maxOutputLength: MAX_RESPONSE_BYTES }) : new Uint8Array(0);
  } catch {
    return new Uint8Array(0);
  }
}

/** `grpc-message` is percent-encoded on the wire. */
function decodeMessage(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return '';
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function noAnswer(timeoutMillis: number): TransportResult {
  return { kind: 'retryable', reason: `no answer within ${Math.round(timeoutMillis)} ms` };
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code} (${error.message})` : error.message;
}

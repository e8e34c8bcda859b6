import type { IncomingHttpHeaders } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Pool } from 'undici';
import { isRetryableStatus, parseRetryAfter } from './retry-policy.js';
import { ABORTED, type Transport, type TransportResult } from './transport.js';

const gzipAsync = promisify(gzip);
const MAX_RESPONSE_BYTES = 64 * 1024;

/** TLS for an `https:` endpoint. Verification is on unless `rejectUnauthorized: false`. */
export interface TlsOptions {
  /** PEM CA certificate(s) to trust, instead of the system's. */
  readonly ca?: string | Buffer;
  /** PEM client certificate, for mutual TLS. */
  readonly cert?: string | Buffer;
  /** PEM client key, for mutual TLS. */
  readonly key?: string | Buffer;
  /** @defaultValue true */
  readonly rejectUnauthorized?: boolean;
}

export interface HttpTransportOptions {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** The wire format's content type. */
  readonly contentType: string;
  readonly gzip: boolean;
  readonly tls: TlsOptions | undefined;
  readonly connections: number;
}

/**
 * One HTTP attempt as a {@link Transport}: POSTs a body to the endpoint over a keep-alive
 * connection pool (undici), gzip-compressed off the main thread when asked, and reads at most
 * 64 KiB of the reply. What the reply means is decided here, once: 2xx delivered, 429/502/503/504
 * and network errors retryable (with the receiver's `Retry-After`), any other status refused. It
 * never retries; `createRetryingTransport` does.
 */
export class HttpTransport implements Transport {
  readonly #pool: Pool;
  readonly #path: string;
  readonly #headers: Record<string, string>;
  readonly #gzip: boolean;

  constructor(options: HttpTransportOptions) {
    const { url, tls } = options;
    this.#pool = new Pool(url.origin, {
      connections: options.connections,
      keepAliveTimeout: 4000,
      connect: tls === undefined ? undefined : { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.rejectUnauthorized ?? true },
    });
    this.#path = `${url.pathname}${url.search}`;
    this.#headers = { ...options.headers, 'content-type': options.contentType };
    if (options.gzip) this.#headers['content-encoding'] = 'gzip';
    this.#gzip = options.gzip;
  }

  async send(body: Uint8Array, timeoutMillis: number, signal: AbortSignal): Promise<TransportResult> {
    if (signal.aborted) return ABORTED;
    const bounded = withTimeout(signal, timeoutMillis);
    try {
      const payload = this.#gzip ? await gzipAsync(body) : body;
      if (bounded.signal.aborted) return stopped(signal, timeoutMillis);
      const response = await this.#pool.request({ method: 'POST', path: this.#path, headers: this.#headers, body: payload, signal: bounded.signal });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_RESPONSE_BYTES) {
          response.body.destroy();
          break;
        }
        chunks.push(chunk as Buffer);
      }
      return resultOfResponse(response.statusCode, response.headers, Buffer.concat(chunks));
    } catch (error) {
      if (bounded.signal.aborted) return stopped(signal, timeoutMillis);
      return { kind: 'retryable', reason: describeError(error) };
    } finally {
      bounded.dispose();
    }
  }

  close(): Promise<void> {
    return this.#pool.close().catch(() => undefined);
  }
}

/** What an HTTP reply means, as the OTLP/HTTP specification says (Zipkin receivers answer alike). */
function resultOfResponse(status: number, headers: IncomingHttpHeaders, body: Buffer): TransportResult {
  if (status >= 200 && status < 300) return { kind: 'delivered', body };
  if (!isRetryableStatus(status)) return { kind: 'refused', status, body };
  const retryAfterMillis = parseRetryAfter(headers['retry-after'], Date.now());
  return { kind: 'retryable', reason: `HTTP ${status}`, ...(retryAfterMillis === undefined ? {} : { retryAfterMillis }) };
}

/** A send cut short: by the caller (aborted), or by its own time running out (worth a retry). */
function stopped(signal: AbortSignal, timeoutMillis: number): TransportResult {
  return signal.aborted ? ABORTED : { kind: 'retryable', reason: `no answer within ${Math.round(timeoutMillis)} ms` };
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code} (${error.message})` : error.message;
}

/** A signal that aborts with `parent` or after `millis`; `dispose` clears the timer. */
function withTimeout(parent: AbortSignal, millis: number): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, Math.max(0, millis));
  timer.unref();
  parent.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', abort);
    },
  };
}

import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Pool } from 'undici';

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

/** What one HTTP attempt gave. Values, not exceptions. */
export type AttemptResult =
  | { readonly kind: 'response'; readonly status: number; readonly headers: Record<string, string | string[] | undefined>; readonly body: Buffer }
  | { readonly kind: 'network-error'; readonly error: Error }
  | { readonly kind: 'aborted' };

export interface HttpTransportOptions {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: string;
  readonly gzip: boolean;
  readonly tls: TlsOptions | undefined;
  readonly connections: number;
}

/**
 * Bytes out, a result back: POSTs a body to the endpoint over a keep-alive connection pool
 * (undici). Compresses with gzip off the main thread when asked. Never throws: network errors and
 * aborts are results. Reads at most 64 KiB of a response.
 */
export class HttpTransport {
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

  async send(body: Uint8Array, signal: AbortSignal): Promise<AttemptResult> {
    try {
      const payload = this.#gzip ? await gzipAsync(body) : body;
      if (signal.aborted) return { kind: 'aborted' };
      const response = await this.#pool.request({ method: 'POST', path: this.#path, headers: this.#headers, body: payload, signal });
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
      return { kind: 'response', status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) };
    } catch (error) {
      if (signal.aborted) return { kind: 'aborted' };
      return { kind: 'network-error', error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  close(): Promise<void> {
    return this.#pool.close().catch(() => undefined);
  }
}

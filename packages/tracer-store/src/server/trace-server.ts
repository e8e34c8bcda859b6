import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { InvalidOptionError } from '@x/tracer-core';
import { viewerPages } from '@x/trace-viewer';
import { createOtlpReceiver } from '../otlp/otlp-receiver.js';
import type { TraceStore } from '../trace-store.js';
import { AccessToken } from './access-token.js';
import { ApiError } from './api-error.js';
import { answerApi } from './api-routes.js';
import { IngestQueue } from './ingest-queue.js';

export interface TraceServerOptions {
  readonly store: TraceStore;
  /** Address to listen on. Anything but loopback needs `token`. @defaultValue '127.0.0.1' */
  readonly host?: string;
  /** @defaultValue 0 (a free port; `url` tells which) */
  readonly port?: number;
  /**
   * When set, every request needs the token: `Authorization: Bearer <token>`, or the cookie a
   * browser gets by opening a page once with `?token=<token>`.
   */
  readonly token?: string;
  /** Spans received and not yet written, at most; past it senders get 503 and retry. @defaultValue 200_000 */
  readonly maxPendingSpans?: number;
  /**
   * Answers requests that are neither the API nor OTLP, returning false for a path it does not
   * know. @defaultValue the trace viewer (`@x/trace-viewer`); `false`: none (404 for all)
   */
  readonly pages?: PagesHandler | false;
}

export type PagesHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

export interface TraceServer {
  /** `http://host:port`, what the server listens on. */
  readonly url: string;
  /** Stops listening and waits for queued spans to be written; the store stays open. */
  close(): Promise<void>;
}

const gzipAsync = promisify(gzip);

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;
/**
 * OTLP requests read or decoded at once, at most (each up to the receiver's 16 MiB as sent and
 * 64 MiB decoded); more get 503 and their senders retry.
 */
const MAX_OTLP_IN_FLIGHT = 16;

/**
 * The store's server: the OTLP/HTTP receiver (`POST /v1/traces`, protobuf or JSON, gzip) and the
 * document's read API under `/_api/`, on 127.0.0.1 by default.
 * @throws InvalidOptionError for a bad option (a public address without a token among them).
 */
export async function startTraceServer(options: TraceServerOptions): Promise<TraceServer> {
  const { store, host = '127.0.0.1', port = 0, token } = options;
  const pages = options.pages === undefined ? defaultPages() : options.pages;
  if (typeof store?.write !== 'function') throw new InvalidOptionError('startTraceServer: store must be an open trace store');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidOptionError(`startTraceServer: port must be 0 to 65535, got ${String(port)}`);
  if (token !== undefined && (typeof token !== 'string' || token.length < 16)) {
    throw new InvalidOptionError('startTraceServer: token must be a string of at least 16 characters');
  }
  if (!LOOPBACK.test(host) && token === undefined) {
    throw new InvalidOptionError(`startTraceServer: listening on ${host} serves your traces to other machines; give a token (every request must then send Authorization: Bearer <token>), or listen on 127.0.0.1`);
  }
  const maxPendingSpans = options.maxPendingSpans ?? 200_000;
  const queue = new IngestQueue(store, maxPendingSpans);
  const receiveOtlp = createOtlpReceiver(queue);
  const access = token === undefined ? undefined : new AccessToken(token);

  let otlpInFlight = 0;
  const server = createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      // A request line no URL parser takes (GET //[): one bad request must not end the server.
      return void sendJson(req, res, 400, new ApiError(400, 'the request target is not a valid URL path').body());
    }
    // A page opened with ?token= is redirected without it even when its cookie is already set:
    // the token must not stay in the address bar, where the app would copy it into its links.
    if (access !== undefined && req.method === 'GET' && url.searchParams.has('token') && access.logIn(url, res)) return;
    if (access !== undefined && !access.admits(req)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
      res.end(
        JSON.stringify(
          new ApiError(401, 'this server needs its token: Authorization: Bearer <token>, or open a page once with ?token=<token>').body(),
        ),
      );
      return;
    }
    if (url.pathname === '/v1/traces') {
      // Bodies are read whole before they are queued: how many are read at once bounds memory.
      if (otlpInFlight >= MAX_OTLP_IN_FLIGHT) {
        res.writeHead(503, { 'retry-after': '1', connection: 'close', 'content-type': 'application/json' });
        return void res.end(JSON.stringify(new ApiError(503, 'too many OTLP requests in progress; retry').body()));
      }
      otlpInFlight++;
      res.once('close', () => otlpInFlight--);
      return receiveOtlp(req, res);
    }
    void route(req, res, url);
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      const answer = await answerApi(store, req, url);
      if (answer !== undefined) return sendJson(req, res, answer.status, answer.body);
      if (pages !== false && (await pages(req, res, url))) return;
      throw new ApiError(404, `not found: ${url.pathname}`);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      if (error instanceof ApiError) return sendJson(req, res, error.status, error.body());
      await sendJson(req, res, 500, { error: { message: `the store failed: ${error instanceof Error ? error.message : String(error)}` } });
    }
  }

  await listen(server, host, port);
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await queue.idle();
    },
  };
}

/**
 * The viewer, or, when it was not built (a checkout before `npm run build`), a page at / that says
 * how to build it: the API and OTLP work either way.
 */
function defaultPages(): PagesHandler {
  try {
    return viewerPages();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return (_req, res, url) => {
      if (url.pathname !== '/') return false;
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${message}\nThe API answers under /_api/ and OTLP/HTTP at /v1/traces.\n`);
      return true;
    };
  }
}

/**
 * A JSON answer, gzipped when the client takes it and it is worth it: a 10,000-span trace is ~6 MB
 * of JSON and ~10x less gzipped. Compressed off the event loop (zlib's thread pool).
 */
async function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): Promise<void> {
  const text = Buffer.from(JSON.stringify(body));
  const gzip = text.length > 1024 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const sent = gzip ? await gzipAsync(text) : text;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': sent.length,
    'cache-control': 'no-store',
    vary: 'accept-encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : sent);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

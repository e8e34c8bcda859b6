// A real OTLP/HTTP receiver on 127.0.0.1 for tests: it decodes what it gets with the independent
// schema, answers as scripted (statuses, Retry-After, partial success, delays, resets, TLS), can go
// down and come back on the same port, and closes by itself.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeRequest, encodeResponse } from './otlp-schema.js';

/** How to answer one request. */
export interface Reply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array | string;
  /** Wait this long before answering. */
  readonly delayMillis?: number;
  /** Destroy the connection instead of answering. */
  readonly reset?: boolean;
  readonly partialSuccess?: { rejectedSpans: number; errorMessage: string };
}

export interface ReceivedRequest {
  readonly headers: IncomingMessage['headers'];
  readonly contentType: string;
  readonly rawBytes: number;
  readonly request: any;
  readonly spanNames: string[];
  readonly status: number;
}

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Names of spans in requests answered 2xx (what the receiver accepted), minus rejected ones. */
  accepted(): string[];
  /** Replies for the next requests, in order; after them, 200. */
  script(...replies: Reply[]): void;
  maxConcurrent(): number;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

function spanNames(request: any): string[] {
  return (request.resourceSpans ?? []).flatMap((rs: any) => (rs.scopeSpans ?? []).flatMap((ss: any) => (ss.spans ?? []).map((s: any) => s.name)));
}

export async function startReceiver(tls?: ServerOptions): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const accepted: string[] = [];
  const queue: Reply[] = [];
  const sockets = new Set<Socket>();
  let concurrent = 0;
  let maxConcurrent = 0;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    concurrent++;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = queue.shift() ?? {};
      const finish = () => {
        concurrent--;
        if (reply.reset) {
          req.socket.destroy();
          return;
        }
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        const contentType = String(req.headers['content-type'] ?? '');
        const request = contentType === 'application/json' ? JSON.parse(body.toString('utf8')) : decodeRequest(body);
        const names = spanNames(request);
        const status = reply.status ?? 200;
        requests.push({ headers: req.headers, contentType, rawBytes: raw.length, request, spanNames: names, status });
        if (status >= 200 && status < 300) accepted.push(...names.slice(reply.partialSuccess?.rejectedSpans ?? 0));
        let payload: Uint8Array | string = reply.body ?? '';
        if (reply.body === undefined && status >= 200 && status < 300) {
          const partial = reply.partialSuccess;
          payload =
            contentType === 'application/json'
              ? JSON.stringify(partial ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } } : {})
              : encodeResponse(partial?.rejectedSpans, partial?.errorMessage);
        }
        res.writeHead(status, { 'content-type': contentType || 'application/x-protobuf', ...reply.headers });
        res.end(payload);
      };
      if (reply.delayMillis) setTimeout(finish, reply.delayMillis);
      else finish();
    });
  };

  let server: Server;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = tls ? (createHttpsServer(tls, handle) as unknown as Server) : createHttpServer(handle);
      server.keepAliveTimeout = 1000;
      server.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  await listen();
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/v1/traces`,
    requests,
    accepted: () => [...accepted],
    script: (...replies) => void queue.push(...replies),
    maxConcurrent: () => maxConcurrent,
    down: stop,
    up: listen,
    close: stop,
  };
}

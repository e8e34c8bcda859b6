// A real Zipkin span endpoint on 127.0.0.1 for tests: `POST /api/v2/spans`, every body checked
// against zipkin2-api.yaml (an invalid one is answered 400 and remembered in `problems`), answers
// as scripted (statuses, Retry-After, delays, resets), can go down and come back on the same port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { listOfSpansProblems } from './zipkin-schema.js';

export interface Reply {
  /** @defaultValue 202, Zipkin's answer */
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly delayMillis?: number;
  /** Destroy the connection instead of answering. */
  readonly reset?: boolean;
}

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly spans: any[];
  readonly status: number;
}

export interface ZipkinReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Schema violations of every body received, with the request's index. */
  readonly problems: string[];
  /** Spans of the requests answered 2xx, in order. */
  accepted(): any[];
  script(...replies: Reply[]): void;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startZipkinReceiver(): Promise<ZipkinReceiver> {
  const requests: ReceivedRequest[] = [];
  const problems: string[] = [];
  const queue: Reply[] = [];
  const sockets = new Set<Socket>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = queue.shift() ?? {};
      const answer = () => {
        if (reply.reset) return void req.socket.destroy();
        const raw = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        let body: unknown;
        const found: string[] = [];
        if (req.method !== 'POST' || req.url !== '/api/v2/spans') found.push(`${req.method} ${req.url} is not POST /api/v2/spans`);
        if (req.headers['content-type'] !== 'application/json') found.push(`content-type ${req.headers['content-type']}`);
        try {
          body = JSON.parse(text);
          found.push(...listOfSpansProblems(body));
        } catch {
          found.push('the body is not JSON');
        }
        problems.push(...found.map((p) => `request ${requests.length}: ${p}`));
        const status = found.length > 0 ? 400 : (reply.status ?? 202);
        requests.push({ method: req.method!, path: req.url!, headers: req.headers, spans: Array.isArray(body) ? body : [], status });
        res.writeHead(status, reply.headers);
        res.end(reply.body ?? (found.length > 0 ? found.join('; ') : ''));
      };
      if (reply.delayMillis) setTimeout(answer, reply.delayMillis);
      else answer();
    });
  };

  let server: Server;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer(handle);
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
    url: `http://127.0.0.1:${port}/api/v2/spans`,
    requests,
    problems,
    accepted: () => requests.filter((r) => r.status >= 200 && r.status < 300).flatMap((r) => r.spans),
    script: (...replies) => void queue.push(...replies),
    down: stop,
    up: listen,
    close: stop,
  };
}

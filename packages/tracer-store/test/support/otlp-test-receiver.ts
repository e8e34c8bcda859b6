// A real HTTP server on 127.0.0.1 with the receiver mounted at /v1/traces, and a sink that keeps
// what it is given and answers from a script (so a test can make the store busy or failing).
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';
import type { SpanRow } from '../../src/span-row.js';
import { createOtlpReceiver, type IngestOutcome, type IngestSink, type OtlpReceiverOptions } from '../../src/otlp/otlp-receiver.js';

export interface CollectingSink extends IngestSink {
  /** Every call's rows, in order (busy and failed calls included). */
  readonly calls: SpanRow[][];
  /** Rows of the calls answered 'stored'. */
  readonly stored: SpanRow[];
  /** Outcomes to give, first first; once empty every call is 'stored'. */
  readonly script: IngestOutcome[];
}

export function collectingSink(...script: IngestOutcome[]): CollectingSink {
  const sink = {
    calls: [] as SpanRow[][],
    stored: [] as SpanRow[],
    script,
    async ingest(rows: readonly SpanRow[]): Promise<IngestOutcome> {
      sink.calls.push([...rows]);
      const outcome = sink.script.shift() ?? { status: 'stored' };
      if (outcome.status === 'stored') sink.stored.push(...rows);
      return outcome;
    },
  };
  return sink;
}

export interface TestReceiver {
  /** `http://127.0.0.1:port/v1/traces` */
  readonly url: string;
  /** Content-Type and Content-Encoding of each request, to check what a sender really sent. */
  readonly requests: { contentType?: string; contentEncoding?: string }[];
  close(): Promise<void>;
}

export async function startReceiver(sink: IngestSink, options?: OtlpReceiverOptions): Promise<TestReceiver> {
  const handle = createOtlpReceiver(sink, options);
  const requests: TestReceiver['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ contentType: req.headers['content-type'], contentEncoding: req.headers['content-encoding'] });
    if (req.url === '/v1/traces') return handle(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** One request with node:http, nothing added: the body and headers exactly as given. */
export function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'POST', headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

// google.rpc.Status, written here from google/rpc/status.proto so the receiver's error bodies are
// read by a decoder that is not the receiver's own.
const rpcStatus = protobuf.parse('syntax = "proto3"; message Status { int32 code = 1; string message = 2; }').root.lookupType('Status');

/** The message of a google.rpc.Status body, in protobuf or JSON as the Content-Type says. */
export function statusMessage(response: RawResponse): string {
  if (response.headers['content-type'] === 'application/json') return JSON.parse(response.body.toString('utf8')).message;
  return (rpcStatus.toObject(rpcStatus.decode(response.body)) as { message: string }).message;
}

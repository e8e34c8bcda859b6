import { createServer, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { GrpcTransport, TRACE_EXPORT_PATH } from '../src/grpc-transport.js';
import { decodeRequest, encodeResponse, ExportTraceServiceRequest } from './support/otlp-schema.js';
import { statusWithRetryInfo } from './support/grpc-receiver.js';

// A bare HTTP/2 server, to see the bytes and headers on the wire that a gRPC library would hide,
// and to answer as a proxy or a broken server would.
interface Seen {
  headers: IncomingHttpHeaders;
  frame: Buffer;
}
type Answer = (stream: ServerHttp2Stream) => void;

const open: { servers: Http2Server[]; transports: GrpcTransport[] } = { servers: [], transports: [] };
afterEach(async () => {
  await Promise.all(open.transports.splice(0).map((t) => t.close()));
  await Promise.all(open.servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function server(answer: Answer): Promise<{ url: URL; seen: Seen[] }> {
  const seen: Seen[] = [];
  const s = createServer();
  s.on('stream', (stream, headers) => {
    // A reset the test asked for is not an error of the test.
    stream.on('error', () => undefined);
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      seen.push({ headers, frame: Buffer.concat(chunks) });
      answer(stream);
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  open.servers.push(s);
  return { url: new URL(`http://127.0.0.1:${(s.address() as AddressInfo).port}`), seen };
}
function transport(url: URL, gzip = false, headers: Record<string, string> = {}): GrpcTransport {
  const t = new GrpcTransport({ url, headers, gzip, tls: undefined });
  open.transports.push(t);
  return t;
}
function grpcFrame(message: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + message.length);
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}
const ok = (reply: Uint8Array = new Uint8Array(0)): Answer => (stream) => {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  stream.end(grpcFrame(reply));
};
const trailersOnly = (headers: Record<string, string | number>): Answer => (stream) => {
  stream.respond({ 'content-type': 'application/grpc', ...headers }, { endStream: true });
};

const REQUEST = ExportTraceServiceRequest.encode({
  resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'on the wire', traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2) }] }] }],
}).finish();
const signal = new AbortController().signal;

describe('GrpcTransport on the wire', () => {
  it('frames one length-prefixed message to TraceService/Export with the gRPC headers and metadata', async () => {
    const s = await server(ok());
    const result = await transport(s.url, false, { 'x-api-key': 'k1' }).send(REQUEST, 2500, signal);
    expect(result.kind).toBe('delivered');
    const [{ headers, frame }] = s.seen as [Seen];
    expect(headers).toMatchObject({ ':method': 'POST', ':path': TRACE_EXPORT_PATH, 'content-type': 'application/grpc', te: 'trailers', 'x-api-key': 'k1' });
    expect(headers['grpc-timeout']).toMatch(/^(2500|2499)m$/);
    expect(headers['grpc-encoding']).toBeUndefined();
    expect(frame[0]).toBe(0);
    expect(frame.readUInt32BE(1)).toBe(frame.length - 5);
    expect(decodeRequest(frame.subarray(5)).resourceSpans[0].scopeSpans[0].spans[0].name).toBe('on the wire');
  });

  it('gzips the message, flags it compressed and says grpc-encoding: gzip', async () => {
    const s = await server(ok());
    expect((await transport(s.url, true).send(REQUEST, 1000, signal)).kind).toBe('delivered');
    const [{ headers, frame }] = s.seen as [Seen];
    expect(headers['grpc-encoding']).toBe('gzip');
    expect(frame[0]).toBe(1);
    expect(decodeRequest(gunzipSync(frame.subarray(5))).resourceSpans[0].scopeSpans[0].spans[0].name).toBe('on the wire');
  });

  it('hands back the reply message, where a partial success lives', async () => {
    const reply = encodeResponse(3, 'too old');
    const s = await server(ok(reply));
    const result = await transport(s.url).send(REQUEST, 1000, signal);
    expect(result).toEqual({ kind: 'delivered', body: Buffer.from(reply) });
  });

  it.each([
    ['a trailers-only UNAVAILABLE', trailersOnly({ ':status': 200, 'grpc-status': 14 }), { kind: 'retryable', reason: 'gRPC UNAVAILABLE' }],
    ['a percent-encoded grpc-message', trailersOnly({ ':status': 200, 'grpc-status': 3, 'grpc-message': 'bad%20span' }), { kind: 'refused', status: 3, body: Buffer.from('bad span') }],
    ['a proxy answering HTTP 503', trailersOnly({ ':status': 503 }), { kind: 'retryable', reason: 'gRPC UNAVAILABLE' }],
    ['a proxy answering HTTP 404', trailersOnly({ ':status': 404 }), { kind: 'refused', status: 12, body: Buffer.alloc(0) }],
    [
      'RESOURCE_EXHAUSTED with RetryInfo of 1.5 s',
      trailersOnly({ ':status': 200, 'grpc-status': 8, 'grpc-status-details-bin': statusWithRetryInfo(8, 1500).toString('base64') }),
      { kind: 'retryable', reason: 'gRPC RESOURCE_EXHAUSTED', retryAfterMillis: 1500 },
    ],
    ['RESOURCE_EXHAUSTED without RetryInfo', trailersOnly({ ':status': 200, 'grpc-status': 8 }), { kind: 'refused', status: 8, body: Buffer.alloc(0) }],
    ['a reset stream', (stream: ServerHttp2Stream) => stream.close(2), { kind: 'retryable' }],
  ] as const)('maps %s', async (_, answer, expected) => {
    const s = await server(answer);
    expect(await transport(s.url).send(REQUEST, 1000, signal)).toMatchObject(expected);
  });

  it('stops at its timeout, and at once when the caller aborts', async () => {
    const s = await server(() => undefined);
    const t = transport(s.url);
    const started = performance.now();
    expect(await t.send(REQUEST, 150, signal)).toEqual({ kind: 'retryable', reason: 'no answer within 150 ms' });
    expect(performance.now() - started).toBeLessThan(1000);
    const controller = new AbortController();
    const sent = t.send(REQUEST, 10_000, controller.signal);
    setTimeout(() => controller.abort(), 20);
    expect(await sent).toEqual({ kind: 'aborted' });
  });

  it('reports a refused connection as retryable and connects again afterwards', async () => {
    const s = await server(ok());
    const down = new URL(`http://127.0.0.1:1`);
    expect(await transport(down).send(REQUEST, 1000, signal)).toMatchObject({ kind: 'retryable', reason: expect.stringMatching(/ECONNREFUSED/) });
    expect((await transport(s.url).send(REQUEST, 1000, signal)).kind).toBe('delivered');
  });
});

// Raw requests (node:http, nothing added) for what the exporters never send: wrong methods,
// media types and encodings, oversized and garbage bodies, a busy or failing store, a client that
// walks away mid-body. Every answer is checked for its status and the message in its body.
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterEach, describe, expect, it } from 'vitest';
import { collectingSink, send, startReceiver, statusMessage, type TestReceiver } from './support/otlp-test-receiver.js';
import { exampleSpans } from './support/otlp-spans.js';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

let receiver: TestReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function receiverWith(...args: Parameters<typeof startReceiver>): Promise<TestReceiver> {
  receiver = await startReceiver(...args);
  return receiver;
}

describe('refused before the body is read', () => {
  it.each(['GET', 'PUT', 'DELETE'])('%s answers 405 with Allow: POST', async (method) => {
    const sink = collectingSink();
    const { url } = await receiverWith(sink);

    const response = await send(url, { method, headers: PROTOBUF });

    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('POST');
    expect(statusMessage(response)).toBe(`method ${method} not allowed: OTLP/HTTP exports with POST`);
    expect(sink.calls).toEqual([]);
  });

  it.each([['text/plain'], ['application/protobuf'], ['application/grpc']])('Content-Type %s answers 415 in protobuf', async (type) => {
    const { url } = await receiverWith(collectingSink());

    const response = await send(url, { headers: { 'content-type': type }, body: 'x' });

    expect(response.status).toBe(415);
    expect(response.headers['content-type']).toBe('application/x-protobuf');
    expect(statusMessage(response)).toBe(`Content-Type ${type} not supported: send application/x-protobuf or application/json`);
  });

  it('a Content-Type with parameters is still JSON', async () => {
    const sink = collectingSink();
    const { url } = await receiverWith(sink);

    const response = await send(url, { headers: { 'content-type': 'Application/JSON; charset=utf-8' }, body: JsonTraceSerializer.serializeRequest(exampleSpans()) });

    expect(response.status).toBe(200);
    expect(sink.stored.map((row) => row.spanId)).toHaveLength(2);
  });

  it.each(['br', 'deflate', 'zstd'])('Content-Encoding %s answers 415 in the request encoding', async (coding) => {
    const { url } = await receiverWith(collectingSink());

    const response = await send(url, { headers: { ...JSON_TYPE, 'content-encoding': coding }, body: '{}' });

    expect(response.status).toBe(415);
    expect(response.headers['content-type']).toBe('application/json');
    expect(statusMessage(response)).toBe(`Content-Encoding ${coding} not supported: send gzip or none`);
  });
});

describe('bodies past the caps answer 413', () => {
  it('a declared Content-Length past maxBodyBytes', async () => {
    const sink = collectingSink();
    const { url } = await receiverWith(sink, { maxBodyBytes: 1_000 });

    const response = await send(url, { headers: PROTOBUF, body: new Uint8Array(1_001) });

    expect(response.status).toBe(413);
    expect(statusMessage(response)).toBe('request body of 1001 bytes exceeds 1000');
    expect(sink.calls).toEqual([]);
  });

  it('a chunked body that grows past maxBodyBytes while it is read', async () => {
    const { url } = await receiverWith(collectingSink(), { maxBodyBytes: 1_000 });

    const response = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { ...PROTOBUF, 'transfer-encoding': 'chunked' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.write(new Uint8Array(600));
      req.end(new Uint8Array(600));
    });

    expect(response.status).toBe(413);
    expect(statusMessage({ ...response, headers: { 'content-type': 'application/x-protobuf' } })).toBe('request body exceeds 1000 bytes');
  });

  it('a gzip body that decodes past maxDecodedBytes', async () => {
    const sink = collectingSink();
    const { url } = await receiverWith(sink, { maxDecodedBytes: 64 * 1024 });
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, ' ')); // about 1 KiB that unpacks to 1 MiB

    const response = await send(url, { headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: bomb });

    expect(bomb.length).toBeLessThan(2_000);
    expect(response.status).toBe(413);
    expect(statusMessage(response)).toBe('gunzipped request body exceeds 65536 bytes');
    expect(sink.calls).toEqual([]);
  });
});

describe('undecodable payloads answer 400', () => {
  it.each([
    ['protobuf', PROTOBUF, new Uint8Array([0x0a, 0xff, 0xff, 0x01]), /^not a protobuf ExportTraceServiceRequest: /],
    ['JSON that does not parse', JSON_TYPE, '{"resourceSpans": [', /^not an OTLP\/JSON ExportTraceServiceRequest: /],
    ['JSON of the wrong shape', JSON_TYPE, '{"resourceSpans": {"scopeSpans": []}}', /resourceSpans: array expected$/],
    ['a JSON array', JSON_TYPE, '[]', /the payload is not a JSON object$/],
  ])('%s', async (_, headers, body, message) => {
    const sink = collectingSink();
    const { url } = await receiverWith(sink);

    const response = await send(url, { headers, body });

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe(headers['content-type']);
    expect(statusMessage(response)).toMatch(message);
    expect(sink.calls).toEqual([]);
  });

  it('gzip that is not gzip', async () => {
    const { url } = await receiverWith(collectingSink());

    const response = await send(url, { headers: { ...PROTOBUF, 'content-encoding': 'gzip' }, body: 'plain text' });

    expect(response.status).toBe(400);
    expect(statusMessage(response)).toMatch(/^request body is not valid gzip: /);
  });
});

describe('partial success', () => {
  it('stores the valid spans and reports the rejected ones in ExportTraceServiceResponse (protobuf)', async () => {
    const sink = collectingSink();
    const { url } = await receiverWith(sink);
    const body = ProtobufTraceSerializer.serializeRequest([...exampleSpans('0'.repeat(32)), ...exampleSpans()])!;

    const response = await send(url, { headers: PROTOBUF, body });

    expect(response.status).toBe(200);
    expect(ProtobufTraceSerializer.deserializeResponse(response.body)).toEqual({
      partialSuccess: { rejectedSpans: 2, errorMessage: 'span "GET /cart": trace id must be 16 bytes, not all zero' },
    });
    expect(sink.stored.map((row) => row.traceId)).toEqual(['5b8aa5a2d2c872e8321cf37308d69df2', '5b8aa5a2d2c872e8321cf37308d69df2']);
  });

  it('reports rejected spans in JSON for a JSON request, and an empty response when none were', async () => {
    const { url } = await receiverWith(collectingSink());
    const span = (spanId: string) => ({ traceId: 'ab'.repeat(16), spanId, name: 'x', startTimeUnixNano: '1700000000000000000' });
    const request = (spans: object[]) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });

    const partial = await send(url, { headers: JSON_TYPE, body: request([span('cd'.repeat(8)), span('short'), span('00'.repeat(8))]) });
    const whole = await send(url, { headers: JSON_TYPE, body: request([span('cd'.repeat(8))]) });

    expect(JSON.parse(partial.body.toString())).toEqual({ partialSuccess: { rejectedSpans: '2', errorMessage: 'span "x": span id must be 8 bytes, not all zero' } });
    expect(whole.headers['content-type']).toBe('application/json');
    expect(JSON.parse(whole.body.toString())).toEqual({});
  });
});

describe('the store answers', () => {
  it.each([
    [2.2, '3'],
    [0, '1'],
    [Number.NaN, '1'],
  ])('busy for %s s: 503 with Retry-After %s (whole seconds, at least 1)', async (retryAfterSeconds, header) => {
    const { url } = await receiverWith(collectingSink({ status: 'busy', retryAfterSeconds }));

    const response = await send(url, { headers: PROTOBUF, body: ProtobufTraceSerializer.serializeRequest(exampleSpans())! });

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe(header);
    expect(statusMessage(response)).toBe(`store busy: retry after ${header} s`);
  });

  it('failed: 500 with the store message', async () => {
    const { url } = await receiverWith(collectingSink({ status: 'failed', message: 'disk full' }));

    const response = await send(url, { headers: JSON_TYPE, body: JsonTraceSerializer.serializeRequest(exampleSpans()) });

    expect(response.status).toBe(500);
    expect(statusMessage(response)).toBe('store failed: disk full');
  });

  it('a sink that throws is a failure too, not a crash', async () => {
    const { url } = await receiverWith({ ingest: () => Promise.reject(new Error('connection lost')) });

    const response = await send(url, { headers: PROTOBUF, body: ProtobufTraceSerializer.serializeRequest(exampleSpans())! });

    expect(response.status).toBe(500);
    expect(statusMessage(response)).toBe('store failed: connection lost');
  });
});

it('a client that aborts mid-body reaches no sink, and the receiver keeps serving', async () => {
  const sink = collectingSink();
  const { url } = await receiverWith(sink);

  await new Promise<void>((resolve) => {
    const req = request(url, { method: 'POST', headers: { ...PROTOBUF, 'content-length': '10000' } });
    req.on('error', () => resolve());
    req.write(new Uint8Array(100), () => setTimeout(() => req.destroy(), 50));
  });
  const after = await send(url, { headers: PROTOBUF, body: ProtobufTraceSerializer.serializeRequest(exampleSpans())! });

  expect(after.status).toBe(200);
  expect(sink.calls).toHaveLength(1);
});

// A separate process that receives OTLP/HTTP protobuf on 127.0.0.1 and counts spans, so the
// benchmark checks what was delivered. GET /count answers {"spans": n, "requests": m, "bytes": b}
// (b: request bodies as received); GET /reset zeroes them. It prints its URL on stdout and exits
// when its parent goes away.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let spans = 0;
let requests = 0;
let bytes = 0;

function varint(bytes: Buffer, at: { pos: number }): number {
  let result = 0;
  let shift = 1;
  for (;;) {
    const byte = bytes[at.pos++]!;
    result += (byte & 0x7f) * shift;
    if (byte < 0x80) return result;
    shift *= 128;
  }
}

/** Counts the length-delimited fields numbered `field` in bytes[start, end), calling `inner` on each. */
function fields(bytes: Buffer, start: number, end: number, field: number, inner: (s: number, e: number) => void): void {
  const at = { pos: start };
  while (at.pos < end) {
    const key = varint(bytes, at);
    const wire = key & 7;
    if (wire === 2) {
      const length = varint(bytes, at);
      if (key >>> 3 === field) inner(at.pos, at.pos + length);
      at.pos += length;
    } else if (wire === 0) varint(bytes, at);
    else if (wire === 1) at.pos += 8;
    else if (wire === 5) at.pos += 4;
    else throw new Error(`wire type ${wire}`);
  }
}

function countSpans(body: Buffer): number {
  let count = 0;
  fields(body, 0, body.length, 1, (rs, re) => fields(body, rs, re, 2, (ss, se) => fields(body, ss, se, 2, () => count++)));
  return count;
}

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    if (req.url === '/reset') spans = requests = bytes = 0;
    res.end(JSON.stringify({ spans, requests, bytes }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    requests++;
    const body = Buffer.concat(chunks);
    bytes += body.length;
    spans += countSpans(body);
    res.writeHead(200, { 'content-type': 'application/x-protobuf' });
    res.end();
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('disconnect', () => process.exit(0));

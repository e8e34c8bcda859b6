// A separate process that receives OTLP/HTTP protobuf on 127.0.0.1 and counts spans, so the
// benchmark checks what was delivered. GET /count answers {"spans": n, "requests": m, "bytes": b}
// (b: request bodies as received); GET /reset zeroes them. It prints its URL on stdout and exits
// when its parent goes away.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countSpans } from './count-spans.js';

let spans = 0;
let requests = 0;
let bytes = 0;

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

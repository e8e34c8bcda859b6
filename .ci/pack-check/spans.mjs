// What a user of the published packages does: record spans through the stdout and OTLP tracers
// behind a fan-out, deliver them to a real stream and a real HTTP receiver, and check that both
// got every span and that every ledger balances. Any failure throws, so the process exits non-zero.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { PassThrough } from 'node:stream';
import { configure, currentSpan, flush, withSpan } from '@x/trace';
import { SpanKind, SpanStatusCode, ledgerProblem } from '@x/tracer-core';
import { createFanoutTracer } from '@x/tracer-fanout';
import { createMemoryTracer } from '@x/tracer-memory';
import { createOtlpTracer } from '@x/tracer-otlp';
import { createStdoutTracer } from '@x/tracer-stdout';
import { checkConformance } from '@x/tracer-testkit';

setTimeout(() => {
  console.error('spans.mjs: still running after 30 s');
  process.exit(1);
}, 30_000).unref();

// A receiver on 127.0.0.1 that keeps every request body.
const bodies = [];
const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    bodies.push(Buffer.concat(chunks));
    response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const url = `http://127.0.0.1:${server.address().port}/v1/traces`;

const stream = new PassThrough();
let written = '';
stream.on('data', (chunk) => (written += chunk));

const stdout = createStdoutTracer({ stream, format: 'json', hookProcessShutdown: false });
const otlp = createOtlpTracer({ url, serviceName: 'pack-check', hookProcessShutdown: false });
const tracer = createFanoutTracer([stdout, otlp]);

const handles = [];
for (let i = 0; i < 10; i++) {
  const request = tracer.startSpan({ name: `GET /items/${i}`, kind: SpanKind.SERVER });
  const query = tracer.startSpan({ name: 'db.query', kind: SpanKind.CLIENT, parent: request });
  tracer.setAttribute(query, 'db.system', 'postgresql');
  tracer.addEvent(query, { name: 'rows', attributes: { count: i } });
  tracer.endSpan(query);
  tracer.setStatus(request, { code: SpanStatusCode.OK });
  tracer.endSpan(request);
  handles.push(request, query);
}
await tracer.flush();
await tracer.shutdown();
server.close();

const lines = written.trim().split('\n').map((line) => JSON.parse(line));
assert.deepEqual(lines.map((line) => line.spanId).sort(), handles.map((handle) => handle.spanId).sort());
const received = Buffer.concat(bodies);
for (const { spanId } of handles) {
  assert.ok(received.includes(Buffer.from(spanId, 'hex')), `span ${spanId} did not reach the receiver`);
}

const stats = tracer.stats();
for (const [name, child] of Object.entries({ fanout: stats, ...stats.children })) {
  assert.equal(ledgerProblem(child), undefined, `${name}: ${ledgerProblem(child)}`);
  assert.equal(child.spansExported, handles.length, `${name} exported`);
}

// The application API from its tarball: spans through async context reach the configured tracer
// with their parents, and the seed's records hold them too.
const appTracer = createMemoryTracer();
configure({ tracer: appTracer, service: 'pack-check' });
await withSpan('GET /app', async () => {
  currentSpan().record('user.id', 7);
  await new Promise((resolve) => setTimeout(resolve, 1));
  await withSpan('db.query', async () => {});
});
const [appChild, appRoot] = appTracer.drain();
assert.equal(appChild.parentSpanId, appRoot.spanId);
assert.equal(appRoot.attributes['user.id'], 7);
assert.deepEqual(flush().map((record) => record.wire_span_id), [appChild.spanId, appRoot.spanId]);

// The conformance kit (and its fast-check dependency) works from the registry install too.
const report = await checkConformance(() => createMemoryTracer());
assert.deepEqual(report.failed, []);

console.log(
  `node ${process.version}: ${handles.length} spans, ${lines.length} stdout lines, ` +
    `${bodies.length} OTLP request(s) of ${received.length} bytes, ` +
    `${report.passed.length} conformance checks passed, every ledger balanced, @x/trace context and records`,
);

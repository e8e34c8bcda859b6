// x-tracing serve as a user runs it from the installed packages: prints its address, stores a span
// sent over OTLP/HTTP JSON, serves it back through the API, stops on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const child = spawn('./node_modules/.bin/x-tracing', ['serve', '--port', '0', '--store', './serve-check.duckdb'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
// A serve that never prints its address must fail the check, not hang it.
const deadline = setTimeout(() => {
  child.kill('SIGKILL');
  console.error('x-tracing serve did not print its address within 30 s');
  process.exit(1);
}, 30_000);
const url = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match) resolve(match[1]);
  });
  child.on('exit', (code) => reject(new Error(`x-tracing serve exited with ${code}: ${out}`)));
});
const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const now = BigInt(Date.now()) * 1_000_000n;
const span = { traceId, spanId: '00f067aa0ba902b7', name: 'pack-check', kind: 2, startTimeUnixNano: `${now}`, endTimeUnixNano: `${now + 1000n}` };
const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'pack' } }] }, scopeSpans: [{ spans: [span] }] }] });
const sent = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
assert.equal(sent.status, 200);
const trace = await (await fetch(`${url}/_api/traces/${traceId}`)).json();
assert.equal(trace.spans[0].operation_name, 'pack-check');
assert.equal(trace.spans[0].service_name, 'pack');
// The viewer ships built in @x/trace-viewer's tarball: the page and its script are served.
const page = await fetch(`${url}/`);
assert.equal(page.status, 200);
assert.match(page.headers.get('content-type'), /^text\/html/);
const html = await page.text();
const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
assert.ok(script, 'the viewer page names its script');
assert.equal((await fetch(`${url}${script}`)).status, 200);
child.kill('SIGTERM');
const code = await new Promise((resolve) => child.on('exit', resolve));
clearTimeout(deadline);
assert.equal(code, 0, 'x-tracing serve exits 0 on SIGTERM');
console.log(`npx x-tracing serve stored a span over OTLP, served it at ${url}/_api/traces/:id, and served the viewer at ${url}/`);

// `pnpm demo`: first two HTTP services in two processes, traced across both (see
// services/two-services.ts). Then a site instrumented with @x/trace handles three requests: a new trace, a trace
// joined from a remote caller, and one its caller chose not to sample. The site's tracer comes from
// tracing.toml (@x/tracing-config): a fan-out chaining stdout (pretty trees) and a plugin loaded by
// package name, plus OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
// is set. The seed API's records (flush()) show the same spans once more.
import { configure, end, flush, start, stats } from '@x/trace';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpanHandle, ledgerProblem, type TracerStats } from '@x/tracer-core';
import { createStdoutTracer } from '@x/tracer-stdout';
import { buildTracer, formatPlan, loadConfig, resolvePlan } from '@x/tracing-config';
import { decodeOtlpJson, openTraceStore, runServeCommand } from '@x/tracer-store';
import { handleCheckout } from './checkout-site.js';
import { printTraces, runTwoServices } from './services/two-services.js';

function report(name: string, stats: TracerStats, indent = ''): void {
  const dropped = Object.entries(stats.spansDropped).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none';
  console.log(
    `${indent}${name}: started ${stats.spansStarted}, exported ${stats.spansExported}, buffered ${stats.spansBuffered}, ` +
      `live ${stats.spansLive}, dropped ${dropped}; ledger ${ledgerProblem(stats) ?? 'balanced'}`,
  );
  for (const [child, childStats] of Object.entries(stats.children ?? {})) report(child, childStats, `${indent}  `);
}

// Two real HTTP services in two processes: gateway calls orders with fetch. Nothing in them
// passes a span or a header by hand: instrumentHttp() makes the spans and carries the context.
// Every trace of the demo also goes into the embedded trace store (a DuckDB file), for the viewer.
const storeFile = fileURLToPath(new URL('../.x-tracing/traces.duckdb', import.meta.url));
const serveCommand = `npm run x-tracing -- serve --store ${relative(process.cwd(), storeFile)}`;

console.log('== two services, two processes, one trace: gateway -> orders over HTTP, both exporting OTLP to one collector ==\n');
const remote = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
// DuckDB lets one process open the file: while `x-tracing serve` shows it, this run leaves it alone.
const collectorStore = await openTraceStore({ path: storeFile }).catch((error: Error) => {
  console.log(`(the trace store is not written this run: ${error.message})\n`);
  return undefined;
});
const twoServices = await runTwoServices(
  [
    { orderId: 2001 },
    { orderId: 2002, traceparent: remote },
    { orderId: 2003, traceparent: '00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00' },
  ],
  collectorStore && (async (body) => void (await collectorStore.write(decodeOtlpJson(body).rows))),
);
// Closed before the site's store plugin opens the same file: DuckDB lets one handle write it.
await collectorStore?.close();
printTraces(twoServices.spans);
console.log(
  `order 2003: its caller did not sample it (traceparent flags 00): neither service recorded a span, and ` +
    `the gateway passed the trace id on with the flag off; ${twoServices.spans.length} spans in all\n`,
);

// The site's tracers come from examples/demo/tracing.toml, site "checkout": stdout (pretty), the
// plugin template loaded by package name (spans as JSON lines in a file), and OTLP when the
// environment names an endpoint.
const configFile = fileURLToPath(new URL('../tracing.toml', import.meta.url));
const spansFile = join(dirname(configFile), '.demo', 'spans.ndjson');
rmSync(spansFile, { force: true });
mkdirSync(dirname(spansFile), { recursive: true });
const plan = resolvePlan(loadConfig(configFile), {
  site: 'checkout',
  ...(collectorStore === undefined ? { overrides: { export: { plugins: ['spans-file'] } } } : {}),
});
console.log(`== one site from tracing.toml: ${plan.exporters.map((exporter) => exporter.name).join(' + ')}, ${plan.exporters.length} backends chained through @x/tracer-fanout ==\n`);
console.log(`${formatPlan(plan)}\n`);
// Built from a plan with exporters: a fan-out, with stats() and shutdown().
const site = (await buildTracer(plan))!;
configure({ tracer: site, service: plan.serviceName });

const remoteCaller = SpanHandle.of('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7')!;
await handleCheckout({ orderId: 1001 });
await handleCheckout({ orderId: 1002, parent: remoteCaller, failPayment: true });
const unsampled = await handleCheckout({ orderId: 1003, parent: SpanHandle.INVALID });
// The seed's flat style: start() returns a local id, end() the record.
const warmup = start('cache.warmup', { entries: 128 });
const warmed = end(warmup, { loaded: 128 });
await site.flush();

const kept = readFileSync(spansFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { name: string; traceId: string; spanId: string });
console.log(`the spans-file plugin wrote ${kept.length} spans under the same ids (${spansFile}); the roots:`);
for (const span of kept.filter((s) => s.name === 'POST /checkout')) console.log(`  trace ${span.traceId} span ${span.spanId}`);
console.log(`(order 1003: the caller did not sample it; the site got ${unsampled === SpanHandle.INVALID ? 'INVALID' : 'a handle'} and ran the same code)\n`);
report('site', site.stats!());

const records = flush();
console.log(`\n== the seed API's records (flush()): ${records.length} spans, local ids and wire ids ==\n`);
for (const record of records.filter((r) => r.parent_id === null)) {
  const children = records.filter((r) => r.parent_id === record.id).length;
  console.log(
    `  #${record.id} ${record.name.padEnd(16)} ${record.duration_ms.toFixed(1).padStart(5)} ms  ${children} children  ` +
      `status ${record.status.padEnd(5)}  trace ${record.trace_id}`,
  );
}
console.log(`  cache.warmup via start()/end(): #${warmed.id}, result ${JSON.stringify(warmed.result)}`);
const api = stats();
console.log(`  @x/trace: started ${api.spansStarted}, ended ${api.spansEnded}, live ${api.spansLive}, records dropped ${api.recordsDropped}`);

console.log('\n== @x/tracer-stdout, json: one object per span per line (NDJSON) ==\n');
const json = createStdoutTracer({ format: 'json' });
configure({ tracer: json, service: 'checkout', records: false });
await handleCheckout({ orderId: 1004 });
await json.shutdown();
report('stdout json', json.stats());

// The final flush: with OTLP configured, the process ends only after it (or its deadline).
const final = await site.shutdown!().then(
  () => 'delivered',
  (error: Error) => `failed: ${error.message}`,
);
console.log(`\nfinal flush ${final}`);
report('site', site.stats!());

if (collectorStore !== undefined) {
  const stored = await openTraceStore({ path: storeFile });
  const [count] = await stored.query('SELECT count(*) AS spans, count(DISTINCT trace_id) AS traces FROM forge_traces');
  await stored.close();
  console.log(`\n== the trace store: ${String(count?.spans)} spans of ${String(count?.traces)} traces in ${relative(process.cwd(), storeFile)} (this run's and earlier runs') ==`);
}
console.log(`see them in the viewer: ${serveCommand}   (then open the address it prints)`);
console.log('or run the demo with --serve (npm run demo -- --serve) to keep serving after it.');
if (process.argv.includes('--serve')) await serveStore(storeFile);

/** `--serve`: after the demo, the store's server with the viewer, until Ctrl-C. */
async function serveStore(path: string): Promise<void> {
  await runServeCommand(['--store', path]);
}

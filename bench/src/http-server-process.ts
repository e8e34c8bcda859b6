// The server under load in the http-server case, in its own process: GET /users/:id answers a
// small JSON document. argv: the variant (see ServerVariant) and the counting receiver's traces
// URL. Over IPC it says { type: 'listening', port } or { type: 'failed', message }, and answers
// 'reset' (zero the counters) and 'flush' (deliver every span, then report what was served).
//
// Tracing is set up before `http` is loaded, and `http` is then loaded with require() in every
// variant: OpenTelemetry's HttpInstrumentation patches it from a require hook, as it would in a
// CommonJS application (an ESM `import` of node:http never passes through that hook).
import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TracerPlugin } from '@x/tracer-core';
import { SERVER_VARIANTS, type ServerVariant } from './http-variants.js';

export type ServerRequest = { readonly type: 'reset' } | { readonly type: 'flush' };

export type ServerMessage =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'reset' }
  | { readonly type: 'flushed'; readonly served: number; readonly cpuMicros: number };

interface Tracing {
  /** Delivers every finished span to the receiver. */
  flush(): Promise<void>;
  /** Throws unless the instrumentation is in place on the loaded `http` module. */
  verify(http: typeof Http): void;
}

const require = createRequire(import.meta.url);
const SERVICE = 'http-bench';

/** The tracer of an `ours*` variant: the OTLP tracer, or one that does less (see {@link ServerVariant}). */
async function oursTracer(variant: ServerVariant, tracesUrl: string): Promise<TracerPlugin & { flush(): Promise<void> }> {
  if (variant === 'ours') {
    const { createOtlpTracer } = await import('@x/tracer-otlp');
    return createOtlpTracer({ url: tracesUrl, serviceName: SERVICE, hookProcessShutdown: false });
  }
  if (variant === 'ours-discard') {
    const { createBufferedTracer } = await import('@x/tracer-core');
    return createBufferedTracer('discard', { export: async () => ({ status: 'success' }) });
  }
  const { SpanHandle } = await import('@x/tracer-core');
  const sampled = Object.freeze({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' });
  const startSpan = variant === 'ours-unsampled' ? () => SpanHandle.INVALID : () => sampled;
  const nothing = () => undefined;
  return { name: variant, startSpan, setAttribute: nothing, setStatus: nothing, addEvent: nothing, endSpan: nothing, flush: async () => {} };
}

async function ours(variant: ServerVariant, tracesUrl: string): Promise<Tracing> {
  const { configure, instrumentHttp } = await import('@x/trace');
  const tracer = await oursTracer(variant, tracesUrl);
  // OpenTelemetry keeps no records of its own: ours sends to the tracer only, as a site would.
  configure({ tracer, records: false });
  instrumentHttp();
  return {
    flush: () => tracer.flush(),
    // diagnostics_channel needs no patch to check; the span count at the receiver shows it works.
    verify: () => undefined,
  };
}

function theirs(tracesUrl: string): Tracing {
  // CommonJS builds, through require(), so the hook HttpInstrumentation installs sees `http` load.
  const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { registerInstrumentations, isWrapped } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl }))],
  });
  // What their Node SDK does: AsyncLocalStorage context manager and W3C propagation, then the instrumentation.
  provider.register();
  registerInstrumentations({ instrumentations: [new HttpInstrumentation()], tracerProvider: provider });
  return {
    flush: () => provider.forceFlush(),
    verify(http) {
      if (!isWrapped(http.Server.prototype.emit)) throw new Error('HttpInstrumentation did not patch http.Server.prototype.emit');
    },
  };
}

const none: Tracing = { flush: async () => {}, verify: () => undefined };

/** Wraps the request handler: `plain-als` runs it in a context, every other variant as it is. */
type HandlerWrapper = (handler: Http.RequestListener) => Http.RequestListener;

async function contextOnly(): Promise<HandlerWrapper> {
  const { AsyncLocalStorage } = await import('node:async_hooks');
  const storage = new AsyncLocalStorage<object>();
  return (handler) => (request, response) => storage.run({ request }, handler, request, response);
}

async function setUp(variant: string | undefined, tracesUrl: string | undefined): Promise<{ tracing: Tracing; wrap: HandlerWrapper }> {
  if (tracesUrl === undefined || !SERVER_VARIANTS.includes(variant as ServerVariant)) {
    throw new Error(`usage: http-server-process.ts <${SERVER_VARIANTS.join('|')}> <traces url>`);
  }
  const asIs: HandlerWrapper = (handler) => handler;
  if (variant === 'plain') return { tracing: none, wrap: asIs };
  if (variant === 'plain-als') return { tracing: none, wrap: await contextOnly() };
  if (variant === 'theirs') return { tracing: theirs(tracesUrl), wrap: asIs };
  if (variant === 'floor') {
    const { startFloorTracing } = await import('./floor-tracing.js');
    const floor = startFloorTracing(tracesUrl, SERVICE);
    return { tracing: { flush: () => floor.flush(), verify: () => undefined }, wrap: asIs };
  }
  return { tracing: await ours(variant as ServerVariant, tracesUrl), wrap: asIs };
}

const USER_PATH = /^\/users\/(\d+)$/;

/** A little of what a real handler does: route on the parsed URL, build and serialize a small object. */
function handle(request: Http.IncomingMessage, response: Http.ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const match = request.method === 'GET' ? USER_PATH.exec(url.pathname) : null;
  if (match === null) {
    response.writeHead(404).end();
    return;
  }
  const id = Number(match[1]);
  const body = JSON.stringify({
    id,
    name: `User ${id}`,
    email: `user${id}@example.com`,
    roles: ['reader', 'commenter'],
    fields: url.searchParams.get('fields')?.split(',') ?? [],
    createdAt: new Date(1_700_000_000_000 + id * 86_400_000).toISOString(),
  });
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

const send = (message: ServerMessage) => process.send!(message);

try {
  const { tracing, wrap } = await setUp(process.argv[2], process.argv[3]);
  const http = require('node:http') as typeof Http;
  tracing.verify(http);
  let served = 0;
  let cpuAtReset = process.cpuUsage();
  const server = http.createServer(
    wrap((request, response) => {
      served++;
      handle(request, response);
    }),
  );
  process.on('message', (message: ServerRequest) => {
    if (message.type === 'reset') {
      served = 0;
      cpuAtReset = process.cpuUsage();
      send({ type: 'reset' });
    } else {
      // The export of the last spans is part of what tracing costs the server: counted before reading the CPU.
      tracing.flush().then(
        () => {
          const cpu = process.cpuUsage(cpuAtReset);
          send({ type: 'flushed', served, cpuMicros: cpu.user + cpu.system });
        },
        (error: unknown) => send({ type: 'failed', message: `flush failed: ${String(error)}` }),
      );
    }
  });
  server.listen(0, '127.0.0.1', () => send({ type: 'listening', port: (server.address() as AddressInfo).port }));
} catch (error) {
  process.exitCode = 1;
  process.send!({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies ServerMessage, () => process.disconnect());
}
process.on('disconnect', () => process.exit());

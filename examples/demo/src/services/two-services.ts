// The two-service part of the demo: a collector in this process, the gateway and orders services
// in two child processes, three requests through them, then the spans both services exported,
// shown as one tree per trace.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A span as the collector received it (OTLP/JSON), with the service that sent it. */
export interface CollectedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
  readonly durationMs: number;
  readonly attributes: Record<string, unknown>;
}

/**
 * A minimal OTLP/HTTP JSON collector on 127.0.0.1 that keeps every span with its service.name, and
 * hands each request's body to `forward` (the demo's trace store) before answering.
 */
async function startCollector(forward?: (body: string) => Promise<void>): Promise<{ url: string; spans: CollectedSpan[]; close(): Promise<void> }> {
  const spans: CollectedSpan[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', async () => {
      await forward?.(body);
      for (const resourceSpans of JSON.parse(body).resourceSpans ?? []) {
        const service = resourceSpans.resource.attributes.find((a: { key: string }) => a.key === 'service.name')?.value.stringValue ?? '?';
        for (const scope of resourceSpans.scopeSpans) {
          for (const span of scope.spans) {
            spans.push({
              service,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              kind: span.kind,
              durationMs: Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6,
              attributes: Object.fromEntries((span.attributes ?? []).map((a: { key: string; value: Record<string, unknown> }) => [a.key, Object.values(a.value)[0]])),
            });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const serviceEntry = fileURLToPath(new URL('./service-process.ts', import.meta.url));

async function startService(role: 'gateway' | 'orders', env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(serviceEntry, [role], {
    execArgv: ['--conditions=source', '--import', 'tsx'],
    env: { ...process.env, ...env, OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return { child, url: `http://127.0.0.1:${message.port}` };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.send('stop');
  await exited;
}

export interface TwoServicesRun {
  readonly spans: CollectedSpan[];
  /** The traceparent each request was sent with (undefined: a new trace). */
  readonly requests: readonly { orderId: number; traceparent: string | undefined; status: number }[];
}

/**
 * Runs the two services, sends `requests` to the gateway, stops both, returns what the collector
 * got; `forward` also receives each OTLP/JSON request body the collector took.
 */
export async function runTwoServices(
  requests: readonly { orderId: number; traceparent?: string }[],
  forward?: (body: string) => Promise<void>,
): Promise<TwoServicesRun> {
  const collector = await startCollector(forward);
  const orders = await startService('orders', { COLLECTOR_URL: collector.url });
  const gateway = await startService('gateway', { COLLECTOR_URL: collector.url, ORDERS_URL: orders.url });
  const sent: { orderId: number; traceparent: string | undefined; status: number }[] = [];
  try {
    for (const { orderId, traceparent } of requests) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (traceparent !== undefined) headers.traceparent = traceparent;
      const response = await fetch(`${gateway.url}/checkout`, { method: 'POST', headers, body: JSON.stringify({ orderId }) });
      await response.text();
      sent.push({ orderId, traceparent, status: response.status });
    }
  } finally {
    await stop(gateway.child);
    await stop(orders.child);
    await collector.close();
  }
  return { spans: collector.spans, requests: sent };
}

/** One tree per trace, children under their parents, each line with its service. */
export function printTraces(spans: readonly CollectedSpan[], write: (line: string) => void = console.log): void {
  const traces = new Map<string, CollectedSpan[]>();
  for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  const kinds = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
  for (const [traceId, members] of traces) {
    const services = [...new Set(members.map((span) => span.service))].join(' + ');
    write(`● trace ${traceId}  ${members.length} spans from ${services}`);
    const ids = new Set(members.map((span) => span.spanId));
    const print = (span: CollectedSpan, depth: number) => {
      const label = `${'  '.repeat(depth)}${span.name}`;
      write(`  ${label.padEnd(34)} ${span.service.padEnd(8)} ${(kinds[span.kind] ?? '?').padEnd(8)} ${span.durationMs.toFixed(2).padStart(7)} ms`);
      for (const child of members.filter((other) => other.parentSpanId === span.spanId)) print(child, depth + 1);
    };
    for (const root of members.filter((span) => !ids.has(span.parentSpanId))) {
      if (root.parentSpanId !== '') write(`  (remote parent ${root.parentSpanId})`);
      print(root, 0);
    }
    write('');
  }
}

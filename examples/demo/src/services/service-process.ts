// One service of the two-service demo, in its own process: `gateway` or `orders`. Both are plain
// node:http servers with automatic HTTP spans (`instrumentHttp`), exporting over OTLP/HTTP to the
// collector the parent process gives them (COLLECTOR_URL), each under its own service.name.
// The parent learns the port over IPC, and sends 'stop' when done: the service closes its server
// and shuts its tracer down (the final flush) before it exits.
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { configure, instrumentHttp, setHttpRoute, withSpan } from '@x/trace';
import { createOtlpTracer } from '@x/tracer-otlp';

const role = process.argv[2];
if (role !== 'gateway' && role !== 'orders') throw new Error(`usage: service-process.ts gateway|orders, got ${role}`);
const collector = process.env.COLLECTOR_URL;
if (collector === undefined) throw new Error('COLLECTOR_URL is not set');

const tracer = createOtlpTracer({ url: collector, protocol: 'http/json', serviceName: role, scheduledDelayMillis: 200 });
configure({ tracer, service: role, records: false });
instrumentHttp();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readJson(request: http.IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of request) body += chunk;
  return body === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
}

/** gateway: POST /checkout verifies the user, then asks the orders service to place the order. */
async function gateway(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  setHttpRoute('/checkout');
  const order = await readJson(request);
  await withSpan('auth.verify', () => sleep(2), { attributes: { 'user.id': 'user-123' } });
  const placed = await fetch(`${process.env.ORDERS_URL}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(order),
  });
  response.writeHead(placed.status, { 'content-type': 'application/json' }).end(await placed.text());
}

/** orders: POST /orders stores the order. */
async function orders(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  setHttpRoute('/orders');
  const order = await readJson(request);
  await withSpan('db.insert', () => sleep(4), { attributes: { 'db.system': 'postgresql', 'order.id': Number(order.orderId) } });
  response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ placed: order.orderId }));
}

const server = http.createServer((request, response) => {
  void (role === 'gateway' ? gateway : orders)(request, response).catch((error: Error) => {
    response.writeHead(500).end(error.message);
  });
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
process.send!({ port: (server.address() as AddressInfo).port });
process.on('message', async (message) => {
  if (message !== 'stop') return;
  server.close();
  await tracer.shutdown();
  process.exit(0);
});

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../src/service.js';
import { startServiceProcess } from './support/service-process.js';

interface Arrival {
  path: string;
  body: string;
  headers: IncomingHttpHeaders;
}

/** A server the service posts to: it notes each request and its answer, the first answer late. */
async function startRecorder() {
  const events: string[] = [];
  const arrivals: Arrival[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      events.push(`in ${req.url}`);
      arrivals.push({ path: req.url ?? '', body, headers: req.headers });
      setTimeout(() => {
        events.push(`out ${req.url}`);
        res.end('null');
      }, arrivals.length === 1 ? 30 : 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    events,
    arrivals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}

function postTest(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

describe('the service, in process', () => {
  let service: RunningService;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  beforeAll(async () => {
    service = await startService(0);
  });
  afterAll(() => service?.close());
  afterEach(() => recorder?.close());

  it('posts each action in turn, its arguments as JSON, waiting for each answer, then answers 200', async () => {
    recorder = await startRecorder();
    const actions = [
      { url: `${recorder.base}/a`, arguments: [{ url: 'http://nested.invalid/', arguments: [] }] },
      { url: `${recorder.base}/b`, arguments: { x: 1 } },
      { url: `${recorder.base}/c` },
    ];
    const response = await postTest(service.url, JSON.stringify(actions));
    expect(response.status).toBe(200);
    expect(recorder.events).toEqual(['in /a', 'out /a', 'in /b', 'out /b', 'in /c', 'out /c']);
    expect(recorder.arrivals.map((a) => [a.body, a.headers['content-type']])).toEqual([
      [JSON.stringify(actions[0]!.arguments), 'application/json'],
      ['{"x":1}', 'application/json'],
      ['[]', 'application/json'],
    ]);
  });

  it('adds no trace context by hand: that is the instrumentation\'s job', async () => {
    recorder = await startRecorder();
    const traceparent = '00-12345678901234567890123456789012-1234567890123456-01';
    await postTest(service.url, JSON.stringify([{ url: `${recorder.base}/a`, arguments: [] }]), { traceparent, tracestate: 'foo=1' });
    expect(recorder.arrivals[0]!.headers).not.toHaveProperty('traceparent');
    expect(recorder.arrivals[0]!.headers).not.toHaveProperty('tracestate');
  });

  it.each([
    ['not JSON', '[{', 'the body is not JSON'],
    ['not a list', '{"url":"http://127.0.0.1:1/"}', 'the body must be a JSON list of { url, arguments }'],
    ['an action without a url', '[{"arguments":[]}]', 'item 0 has no valid url'],
    ['an action whose url does not parse', '[{"url":"not a url"}]', 'item 0 has no valid url'],
  ])('answers 400 to a body that is %s', async (_, body, why) => {
    const response = await postTest(service.url, body);
    expect([response.status, await response.text()]).toEqual([400, why]);
  });

  it('answers 502 naming the action that failed, and sends none after it', async () => {
    recorder = await startRecorder();
    const closed = await startRecorder();
    await closed.close();
    const body = JSON.stringify([{ url: `${closed.base}/gone`, arguments: [] }, { url: `${recorder.base}/after`, arguments: [] }]);
    const response = await postTest(service.url, body);
    expect(response.status).toBe(502);
    expect(await response.text()).toMatch(/^action 0 \(POST http:\/\/127\.0\.0\.1:\d+\/gone\) failed/);
    expect(recorder.arrivals).toEqual([]);
  });

  it('answers 404 to anything but POST /test', async () => {
    const other = service.url.replace(/\/test$/, '/other');
    expect((await postTest(other, '[]')).status).toBe(404);
    expect((await fetch(service.url)).status).toBe(404);
  });
});

describe('src/main.ts, as npm start runs it', () => {
  it('listens on PORT, announces its /test URL, serves it, and exits 0 on SIGTERM', async () => {
    const recorder = await startRecorder();
    const service = await startServiceProcess();
    try {
      expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/test$/);
      const response = await postTest(service.url, JSON.stringify([{ url: `${recorder.base}/a`, arguments: [] }]));
      expect(response.status).toBe(200);
      expect(recorder.arrivals.map((a) => a.path)).toEqual(['/a']);
    } finally {
      expect(await service.stop()).toBe(0);
      await recorder.close();
    }
  });
});

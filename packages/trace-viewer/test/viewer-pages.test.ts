// How the built page is served: the page itself never cached for long (an upgrade changes the
// asset names it loads), hashed assets forever, nothing else.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewerPages } from '../src/viewer-pages.js';

let server: Server;
let base: string;
beforeAll(async () => {
  const pages = viewerPages();
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!pages(req, res, url)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('viewerPages', () => {
  it.each(['/', '/index.html', '/search', '/trace/abc', '/compare'])('serves %s as the page: no-cache, with its CSP', async (path) => {
    const response = await fetch(`${base}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('serves hashed assets as immutable, and nothing the build did not write', async () => {
    const html = await (await fetch(`${base}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${base}${script}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    for (const path of ['/assets/../../package.json', '/%2e%2e/package.json', '/nothing.js', '/trace/a/b']) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    }
  });
});

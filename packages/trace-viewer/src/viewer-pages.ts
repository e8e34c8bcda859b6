import { readFileSync, readdirSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** The pages of the app: every one is index.html, which reads its path (the app routes itself). */
const APP_PATHS = /^\/(|index\.html|search|trace\/[^/]+|compare)$/;

interface Asset {
  readonly type: string;
  readonly body: Buffer;
  readonly gzipped: Buffer;
}

/** Where the build put the viewer: beside src/ and dist/ alike, so both reach it as ../web-dist. */
export const WEB_DIST = fileURLToPath(new URL('../web-dist/', import.meta.url));

/**
 * The viewer as a `pages` handler for the store's server (`startTraceServer({ pages })`): serves the
 * built files from memory, gzipped when the browser takes it, hashed assets cached for a year and
 * the page itself never. Only files the build wrote are served (read once, at the first call): no
 * path from a request ever reaches the file system.
 * @throws Error when the viewer was not built (`pnpm --filter @x/trace-viewer build`).
 */
export function viewerPages(root: string = WEB_DIST): (req: IncomingMessage, res: ServerResponse, url: URL) => boolean {
  const assets = readAssets(root);
  const page = assets.get('/index.html');
  if (page === undefined) {
    throw new Error(`the trace viewer is not built (no ${join(root, 'index.html')}): run pnpm --filter @x/trace-viewer build`);
  }
  return (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const isPage = APP_PATHS.test(url.pathname);
    const asset = isPage ? page : assets.get(url.pathname);
    if (asset === undefined) return false;
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? asset.gzipped : asset.body;
    res.writeHead(200, {
      'content-type': asset.type,
      'content-length': body.length,
      // Only the build's hashed assets are forever; any other file may change with an upgrade.
      'cache-control': isPage ? 'no-cache' : url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...(isPage ? { 'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:" } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}

function readAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (folder: string, prefix: string) => {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else {
        const body = readFileSync(path);
        assets.set(`${prefix}${name}`, { type: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream', body, gzipped: gzipSync(body) });
      }
    }
  };
  walk(root, '/');
  return assets;
}

/** What the viewer ships: bytes of each built file, as sent and gzipped. */
export function viewerSize(root: string = WEB_DIST): { file: string; bytes: number; gzipped: number }[] {
  return [...readAssets(root)].map(([file, asset]) => ({ file, bytes: asset.body.length, gzipped: asset.gzipped.length }));
}

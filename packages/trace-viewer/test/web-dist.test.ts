import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { viewerSize, WEB_DIST } from '../src/viewer-pages.ts';

// The global setup has just built the viewer into web-dist.
describe('the built viewer', () => {
  it('ships under 30 KB gzipped, JavaScript and CSS together (the issue asks well under 50)', () => {
    const files = viewerSize().filter((file) => /\.(js|css)$/.test(file.file));

    expect(files.map((file) => file.file.split('.').pop()).sort()).toEqual(['css', 'js']);
    expect(files.reduce((sum, file) => sum + file.gzipped, 0)).toBeLessThan(30_000);
  });

  it('loads nothing from another origin: every asset is a path on our server', () => {
    const page = readFileSync(`${WEB_DIST}index.html`, 'utf8');
    const scripts = viewerSize().filter((file) => file.file.endsWith('.js')).map((file) => readFileSync(`${WEB_DIST}${file.file.slice(1)}`, 'utf8'));

    expect([...page.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1]!).filter((url) => !url.startsWith('/') && !url.startsWith('data:'))).toEqual([]);
    expect(scripts.join('\n')).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });
});

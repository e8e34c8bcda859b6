import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { CHROMIUM } from './support/browser.ts';

/**
 * Builds the viewer as the package ships it (into web-dist), so the browser tests run against
 * the real build on a clean checkout, and checks for the browser before any test waits on it.
 */
export default async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the viewer's browser tests need ${CHROMIUM}: install Debian's chromium (apt-get install chromium); .ci/run does`);
  }
  await build({ configFile: fileURLToPath(new URL('../web/vite.config.ts', import.meta.url)), mode: 'production', logLevel: 'warn' });
}

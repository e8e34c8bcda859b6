/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium: the tests drive the browser the CI image installs, no download. */
export const CHROMIUM = '/usr/bin/chromium';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));

/** Headless Chromium that makes no connection of its own (the network here is closed). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page that fails the test on any script error in the app. */
export async function openPage(browser: Browser, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, colorScheme: options.colorScheme ?? 'light' });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

/**
 * Writes a screenshot to test-artifacts/; with `UPDATE_DOCS_SCREENSHOTS=1` also to docs/ (the
 * README's pictures), so ordinary runs leave the committed ones alone.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path });
  if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
    mkdirSync(DOCS, { recursive: true });
    copyFileSync(path, `${DOCS}${name}.png`);
  }
}

/** Waits until `selector` matches exactly `count` elements (the app renders asynchronously). */
export async function waitForCount(page: Page, selector: string, count: number): Promise<void> {
  await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel as string).length === n, [selector, count] as const, { timeout: 10_000 });
}

/** The text of every element `selector` matches, trimmed. */
export async function texts(page: Page, selector: string): Promise<string[]> {
  return (await page.locator(selector).allTextContents()).map((text) => text.trim());
}

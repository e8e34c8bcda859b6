import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, vi } from 'vitest';
import { launchBrowser, openPage } from './browser.ts';
import { startTraceFixture, type TraceFixture } from './trace-fixture.ts';

export interface ViewerSuite {
  /** The store and its server, one for the file. */
  readonly fixture: TraceFixture;
  readonly browser: Browser;
  /** A fresh page for each test; a script error in it fails the test. */
  readonly page: Page;
}

/**
 * Sets up a browser test file: a store server with the test traces and Chromium for the file, a
 * new page per test. Read the fields inside tests (they are set by the hooks).
 */
export function useViewerSuite(): ViewerSuite {
  // A browser drives each test: give it room on a busy machine (the projects do not inherit the root's).
  vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });
  const suite = {} as { fixture: TraceFixture; browser: Browser; page: Page };
  beforeAll(async () => {
    [suite.fixture, suite.browser] = await Promise.all([startTraceFixture(), launchBrowser()]);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.fixture?.close();
  });
  beforeEach(async () => {
    const { page, errors } = await openPage(suite.browser);
    suite.page = page;
    return async () => {
      await page.close();
      expect(errors).toEqual([]);
    };
  });
  return suite;
}

/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { screenshot, texts, waitForCount } from './support/browser.ts';
import { spanId, traceId, traceRows } from './support/demo-traces.ts';
import type { TraceFixture } from './support/trace-fixture.ts';
import { useViewerSuite } from './support/viewer-suite.ts';

const suite = useViewerSuite();
let page: Page;
let fixture: TraceFixture;
beforeEach(() => {
  ({ page, fixture } = suite);
});

const ERROR_TRACE = traceId('checkout-error');
const BIG_TRACE = traceId('big-trace');
const row = (span: string) => `[role=treeitem][data-span-id="${spanId(span)}"]`;

async function openTrace(id: string, query = ''): Promise<void> {
  await page.goto(`${fixture.server.url}/trace/${id}${query}`);
  await page.locator('[role=tree]').waitFor();
}

describe('the trace page', () => {
  it('opens from the search: a waterfall with service colors, the critical path, failed spans and their ancestors marked, why it was kept', async () => {
    await page.goto(`${fixture.server.url}/search`);
    await page.locator(`.result[data-trace-id="${ERROR_TRACE}"] .result-title`).click();
    await waitForCount(page, '[role=treeitem]', 11);

    expect(new URL(page.url()).pathname).toBe(`/trace/${ERROR_TRACE}`);
    expect(await page.textContent('h1')).toBe('gateway: POST /checkout');
    const failed = await page.locator('[role=treeitem].failed .operation-name').allTextContents();
    expect(failed).toEqual(['POST /checkout', 'POST /orders', 'POST /payments', 'provider.charge']);
    // The client spans that lead to the failures fail not themselves, but are marked.
    expect(await page.locator(`${row('gw-call')}.error-below`).count()).toBe(1);
    expect(await page.locator(`${row('ord-pay')}.error-below`).count()).toBe(1);
    expect(await page.locator(`${row('gw-auth')}.error-below`).count()).toBe(0);
    // Each service has one color on all its bars, and no two services share one.
    const colors = await page.$$eval('[role=treeitem]', (rows) => rows.map((r) => [r.querySelector('.service-name')!.textContent, getComputedStyle(r.querySelector('.bar')!).backgroundColor]));
    expect(new Set(colors.map(([service, color]) => `${service}=${color}`)).size).toBe(3);
    expect(new Set(colors.map(([, color]) => color)).size).toBe(3);
    // The payment call was what the checkout waited on: its provider call is on the critical path.
    expect(await page.locator(`${row('pay-api')} .critical-segment`).count()).toBe(1);
    expect(await page.locator(`${row('ord-cache')} .critical-segment`).count()).toBe(0);
    expect(await page.textContent('[data-testid=sampling-note]')).toContain('sampling.rule=errors');
    await page.click(row('pay-api'));
    await screenshot(page, 'trace');
  });

  it('collapses and expands a span with the mouse and the keyboard, and shows only the first levels', async () => {
    await openTrace(ERROR_TRACE);
    await waitForCount(page, '[role=treeitem]', 11);

    await page.click(`${row('ord')} button.toggle`);
    await waitForCount(page, '[role=treeitem]', 4);
    expect(await page.getAttribute(row('ord'), 'aria-expanded')).toBe('false');
    expect(await page.textContent(`${row('ord')} .count`)).toBe('7');
    await page.click(`${row('ord')} button.toggle`);
    await waitForCount(page, '[role=treeitem]', 11);

    await page.focus('[role=tree]');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft');
    await waitForCount(page, '[role=treeitem]', 1);
    await page.keyboard.press('ArrowRight');
    await waitForCount(page, '[role=treeitem]', 11);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    expect(await page.getAttribute('[role=treeitem][aria-selected=true]', 'data-span-id')).toBe(spanId('gw-call'));
    expect(await page.getAttribute('[role=tree]', 'aria-activedescendant')).toBe(`span-row-${spanId('gw-call')}`);

    await page.getByRole('button', { name: 'Show 2 levels' }).click();
    await waitForCount(page, '[role=treeitem]', 3);
    await page.getByRole('button', { name: 'Expand all' }).click();
    await waitForCount(page, '[role=treeitem]', 11);
  });

  it('shows a selected span: kind, status, attributes, events with offsets, links, resource; Enter moves to the details', async () => {
    await openTrace(traceId('checkout-slow'));
    await page.click(row('pay'));
    const details = page.locator('aside[aria-label="Span details"]');
    await details.locator(`[data-span-id="${spanId('pay')}"]`).waitFor();

    expect(await details.locator('.details-operation').textContent()).toBe('POST /payments');
    expect(await details.locator('.facts').textContent()).toContain('Kindserver');
    expect(await texts(page, 'table[aria-label="Span attributes"] tr')).toEqual(['payment.amount59.9', 'payment.providerstripe']);
    expect(await texts(page, '.span-events .event-head')).toEqual(['+1.16scard.authorized']);
    expect(await texts(page, 'table[aria-label="Resource attributes"] th')).toEqual(['host.name', 'service.name', 'service.version']);
    expect(new URL(page.url()).searchParams.get('span')).toBe(spanId('pay'));

    await page.click(row('gw'));
    expect(await texts(page, '.span-links a')).toEqual([`${traceId('checkout-ok-1').slice(0, 12)}…/${spanId('gw')}`]);

    await page.focus('[role=tree]');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Span details');
  });

  it('lists every event of the trace in one list, by time, and a click there selects the span', async () => {
    await openTrace(ERROR_TRACE);
    await page.getByRole('tab', { name: /Events/ }).click();

    expect(await texts(page, '.trace-events .event-name')).toEqual(['request.received', 'order.validated', 'card.authorized', 'exception']);
    await page.getByLabel('Filter events').fill('PaymentError');
    await waitForCount(page, '.trace-events > tbody > tr', 1);
    expect(await texts(page, '.trace-events .event-name')).toEqual(['exception']);
    await page.getByLabel('Filter events').fill('');
    await page.locator('.trace-events button', { hasText: 'orders: POST /orders' }).last().click();
    await page.locator(`${row('ord')}[aria-selected=true]`).waitFor();
    expect(await texts(page, '.span-events .event-name')).toEqual(['order.validated', 'exception']);
    expect(await page.textContent('.status-error')).toBe('Error: payment gateway returned 502');
  });

  it('follows a deep link to a span folded away: selected, its ancestors expanded, scrolled into view', async () => {
    const deep = 'b9000';
    await openTrace(BIG_TRACE);
    await page.getByRole('button', { name: 'Show 1 level' }).click();
    await waitForCount(page, '[role=treeitem]', 1);
    expect(await page.locator(row(deep)).count()).toBe(0);

    // A link to the span followed inside the app, as back/forward or a pasted address would.
    await page.evaluate((url) => {
      history.pushState(null, '', url);
      dispatchEvent(new PopStateEvent('popstate'));
    }, `/trace/${BIG_TRACE}?span=${spanId(deep)}`);
    const selected = page.locator(`${row(deep)}[aria-selected=true]`);
    await selected.waitFor();

    const [box, view] = await Promise.all([selected.boundingBox(), page.locator('[role=tree]').boundingBox()]);
    expect(box!.y).toBeGreaterThanOrEqual(view!.y);
    expect(box!.y + box!.height).toBeLessThanOrEqual(view!.y + view!.height);
    // b0 › b1 › b8 › b34 › b140 › b562 › b2249 › b9000: every ancestor unfolded again.
    expect(await selected.getAttribute('aria-level')).toBe('8');
    expect(await page.textContent('.details-operation')).toBe(await page.textContent(`${row(deep)} .operation-name`));
    expect(await page.getAttribute('.deep-link', 'href')).toBe(`/trace/${BIG_TRACE}?span=${spanId(deep)}`);
  });

  it('moves with the arrow keys from where a selected span folded away by a Levels button sits', async () => {
    // b9000 descends from b1, the first of the root's children; b2 comes after it.
    const foldSelectedAway = async () => {
      await openTrace(BIG_TRACE, `?span=${spanId('b9000')}`);
      await page.locator(`${row('b9000')}[aria-selected=true]`).waitFor();
      await page.getByRole('button', { name: 'Show 2 levels' }).click();
      await page.locator(row('b9000')).waitFor({ state: 'detached' });
      await page.focus('[role=tree]');
    };

    await foldSelectedAway();
    await page.keyboard.press('ArrowDown');
    await page.locator(`${row('b2')}[aria-selected=true]`).waitFor();

    await foldSelectedAway();
    await page.keyboard.press('ArrowUp');
    await page.locator(`${row('b1')}[aria-selected=true]`).waitFor();
  });

  it('keeps 10,000 spans usable: only the rows in view are in the page, and the bottom shows the last span', async () => {
    await openTrace(BIG_TRACE);

    expect(await page.textContent('.waterfall-toolbar .shown')).toBe('10000 of 10000 spans shown');
    const drawn = await page.locator('[role=treeitem]').count();
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThan(100);

    await page.$eval('.waterfall-scroll', (element) => { element.scrollTop = element.scrollHeight; });
    await page.locator(row('blast')).waitFor();
    expect(await page.textContent(`${row('blast')} .operation-name`)).toBe('finalize report');
    expect(await page.locator('[role=treeitem]').count()).toBeLessThan(100);

    await page.focus('[role=tree]');
    await page.keyboard.press('Home');
    await page.locator(`${row('b0')}[aria-selected=true]`).waitFor();
    await page.keyboard.press('End');
    await page.locator(`${row('blast')}[aria-selected=true]`).waitFor();
  });

  it('folds spans shorter than a threshold, keeping failed ones', async () => {
    await openTrace(BIG_TRACE);
    await page.selectOption('.waterfall-toolbar select', '10');
    await page.waitForFunction(() => !document.querySelector('.waterfall-toolbar .shown')!.textContent!.startsWith('10000 '));

    const shown = Number((await page.textContent('.waterfall-toolbar .shown'))!.split(' ')[0]);
    expect(shown).toBeLessThan(1000);
    expect(await page.locator('.hidden-short').count()).toBeGreaterThan(0);
  });

  it('zooms the timeline to a span and back', async () => {
    await openTrace(ERROR_TRACE, `?span=${spanId('pay-api')}`);
    await page.focus('[role=tree]');
    await page.keyboard.press('z');

    expect(await page.textContent('.zoomed')).toBe('Showing 26.0ms–54.0msShow whole trace');
    const [bar, track] = await Promise.all([page.locator(`${row('pay-api')} .bar`).boundingBox(), page.locator(`${row('pay-api')} .time-col`).boundingBox()]);
    expect(Math.abs(bar!.x - track!.x)).toBeLessThan(2);
    expect(Math.abs(bar!.width - track!.width)).toBeLessThan(2);

    await page.keyboard.press('Escape');
    await page.locator('.zoomed').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Zoom timeline to it' }).click();
    expect(await page.textContent('.zoomed')).toContain('Showing 26.0ms–54.0ms');
  });

  it('downloads the trace as JSON', async () => {
    await openTrace(ERROR_TRACE);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download JSON' }).click()]);

    expect(download.suggestedFilename()).toBe(`trace-${ERROR_TRACE}.json`);
    const trace = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect([trace.trace_id, trace.spans.length]).toEqual([ERROR_TRACE, 11]);
  });

  it('switches to the dark theme and remembers it', async () => {
    await openTrace(ERROR_TRACE, `?span=${spanId('pay-api')}`);
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();

    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    await page.reload();
    await page.locator('[role=tree]').waitFor();
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(15, 19, 26)');
    await screenshot(page, 'trace-dark');
  });

  it('says so when the trace is not stored', async () => {
    await page.goto(`${fixture.server.url}/trace/${'0'.repeat(31)}1`);

    expect(await page.locator('[role=alert]').textContent()).toContain('no trace with id');
  });

  it('says so, rather than going blank, for a trace address with broken percent-encoding', async () => {
    await page.goto(`${fixture.server.url}/trace/%E0%A4`);

    expect(await page.locator('[role=alert]').textContent()).toContain('no trace at /trace/%E0%A4');
    expect(await page.getByRole('link', { name: 'Back to search' }).count()).toBe(1);
  });

  it('shows when a span starts in local time, to the millisecond, as the header shows the trace start', async () => {
    const timeZone = 'America/New_York';
    const context = await suite.browser.newContext({ timezoneId: timeZone, locale: 'en-GB' });
    const local = await context.newPage();
    const errors: string[] = [];
    local.on('pageerror', (error) => errors.push(error.message));
    await local.goto(`${fixture.server.url}/trace/${traceId('checkout-ok-1')}`);
    await local.locator('.details').waitFor();

    // The root span starts when the trace does.
    const started = new Date((await local.getAttribute('.trace-facts time', 'datetime'))!);
    const header = await local.textContent('.trace-facts time');
    const clock = started.toLocaleTimeString('en-GB', { timeZone, hour: 'numeric', minute: 'numeric', second: 'numeric', fractionalSecondDigits: 3 });
    expect(header).toContain(clock.slice(0, 8));
    expect(await local.locator('.details .facts dd').nth(1).textContent()).toBe(`+0µs (${clock})`);
    await context.close();
    expect(errors).toEqual([]);
  });

  it('warns in the header when the store sent only the first spans of a larger trace', async () => {
    await page.route(`**/_api/traces/${ERROR_TRACE}`, async (route) => {
      const response = await route.fetch();
      const answer = await response.json();
      await route.fulfill({ response, json: { ...answer, truncated: true, summary: { ...answer.summary, span_count: 250_000 } } });
    });
    await openTrace(ERROR_TRACE);

    const note = await page.getByTestId('truncated-note').textContent();
    expect(note).toContain('showing the first 11 spans of a larger trace (250,000 spans stored)');
    expect(await page.locator('[role=note]', { hasText: 'Incomplete' }).count()).toBe(1);
  });

  it('shows no truncation warning for a whole trace', async () => {
    await openTrace(ERROR_TRACE);
    expect(await page.getByTestId('truncated-note').count()).toBe(0);
  });

  it('calls a parent in a cycle a cycle, not missing', async () => {
    // p1 → p2 → p1: the model cuts the cycle at p1, the earliest, which then shows as a root.
    await fixture.store.write(traceRows('parent-cycle', 600_000, [
      { span: 'p1', parent: 'p2', service: 'svc', operation: 'first', startMillis: 0, durationMillis: 50 },
      { span: 'p2', parent: 'p1', service: 'svc', operation: 'second', startMillis: 1, durationMillis: 40 },
    ]));
    await openTrace(traceId('parent-cycle'), `?span=${spanId('p1')}`);

    const parent = await page.locator('.details .facts dt:text-is("Parent") + dd').textContent();
    expect(parent).toContain('second (parent cycle: its ancestors lead back to it; shown as a root)');
    expect(parent).not.toContain('missing');
    await page.locator('.details .facts button.link', { hasText: 'second' }).click();
    await page.locator(`${row('p2')}[aria-selected=true]`).waitFor();
  });
});

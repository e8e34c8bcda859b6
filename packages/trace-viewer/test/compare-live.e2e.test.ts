/// <reference lib="dom" />
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { screenshot, texts, waitForCount } from './support/browser.ts';
import { checkoutSpans, traceId, traceRows } from './support/demo-traces.ts';
import type { TraceFixture } from './support/trace-fixture.ts';
import { useViewerSuite } from './support/viewer-suite.ts';

const suite = useViewerSuite();
let page: Page;
let fixture: TraceFixture;
beforeEach(() => {
  ({ page, fixture } = suite);
});

describe('compare', () => {
  it('sets two traces of one operation side by side, ticked in the search, what got slower first', async () => {
    await page.goto(`${fixture.server.url}/search?operation=POST+%2Fcheckout`);
    await waitForCount(page, '.result', 4);
    await page.locator(`.result[data-trace-id="${traceId('checkout-ok-1')}"] .compare-pick input`).check();
    await page.locator(`.result[data-trace-id="${traceId('checkout-slow')}"] .compare-pick input`).check();
    await page.getByRole('link', { name: 'Compare 2/2' }).click();
    await page.locator('.compare-table tbody tr').first().waitFor();

    expect(new URL(page.url()).search).toBe(`?a=${traceId('checkout-ok-1')}&b=${traceId('checkout-slow')}`);
    expect(await page.textContent('[data-testid=total-delta]')).toBe('+1.41s');
    const [first] = await page.locator('.compare-table tbody tr').all();
    expect(await first!.locator('td').allTextContents()).toEqual(['provider.chargeunder POST /payments › POST /payments', 'payments', '36.0ms', '1.45s', '+1.41s', '+1.41s', '']);
    // Spans in the same place line up: every group is in both traces.
    expect(await page.locator('.compare-table tr.only-a, .compare-table tr.only-b').count()).toBe(0);
    await screenshot(page, 'compare');
  });

  it('from a trace, offers the traces of the same operation to compare with', async () => {
    await page.goto(`${fixture.server.url}/trace/${traceId('checkout-ok-2')}`);
    await page.getByRole('link', { name: 'Compare…' }).click();
    await page.locator('.candidates a').first().waitFor();

    expect(await page.locator('.candidates li').count()).toBe(3);
    await page.locator('.candidates li', { hasText: traceId('checkout-error').slice(0, 12) }).locator('a').click();
    await page.locator('.compare-table').waitFor();
    expect(await texts(page, '.trace-card a')).toEqual(['gateway: POST /checkout', 'gateway: POST /checkout']);
    expect(await page.textContent('[data-testid=total-delta]')).toBe('−15.0ms');
  });

  it('with only trace B chosen, offers candidates for A and keeps B on its side', async () => {
    const slow = traceId('checkout-slow');
    await page.goto(`${fixture.server.url}/compare?b=${slow}`);
    await page.locator('.candidates a').first().waitFor();

    expect([await page.inputValue('input[name=a]'), await page.inputValue('input[name=b]')]).toEqual(['', slow]);
    for (const href of await page.locator('.candidates a').evaluateAll((links) => links.map((link) => link.getAttribute('href')!))) {
      const params = new URL(href, fixture.server.url).searchParams;
      expect(params.get('b')).toBe(slow);
      expect(params.get('a')).not.toBe(slow);
      expect(params.get('a')).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('puts typed trace ids into the address encoded, so that they arrive as typed', async () => {
    await page.goto(`${fixture.server.url}/compare`);
    await page.fill('input[name=a]', 'x&b=y #z');
    await page.fill('input[name=b]', traceId('checkout-slow'));
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.locator('.compare-page [role=alert]').waitFor();

    const params = new URL(page.url()).searchParams;
    expect([params.get('a'), params.get('b')]).toEqual(['x&b=y #z', traceId('checkout-slow')]);
  });
});

describe('live search', () => {
  it('shows a trace written after the page opened, without a reload', async () => {
    await page.goto(`${fixture.server.url}/search`);
    await waitForCount(page, '.result', 6);
    await page.evaluate(() => Object.assign(window, { openedOnce: true }));
    expect(await page.isChecked('.live-toggle input')).toBe(true);

    await fixture.store.write(traceRows('arrived-live', 0, checkoutSpans({ paymentMillis: 60, orderId: 'ord-2000' })));
    const arrived = page.locator(`.result.arrived[data-trace-id="${traceId('arrived-live')}"]`);
    await arrived.waitFor({ timeout: 10_000 });

    expect(await page.locator('.result').first().getAttribute('data-trace-id')).toBe(traceId('arrived-live'));
    expect(await page.evaluate(() => (window as unknown as { openedOnce?: boolean }).openedOnce)).toBe(true);
    expect(await page.locator('.scatter circle.arrived').count()).toBe(1);
  });

  it('shows a trace that another process sent over OTLP/HTTP', async () => {
    await page.goto(`${fixture.server.url}/search`);
    await page.locator('.result').first().waitFor();
    const id = traceId('from-another-process');
    const now = BigInt(Date.now()) * 1_000_000n;
    const request = {
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'billing' } }] },
        scopeSpans: [{ scope: { name: 'e2e' }, spans: [{ traceId: id, spanId: 'a1b2c3d4e5f60718', name: 'POST /invoices', kind: 2, startTimeUnixNano: String(now), endTimeUnixNano: String(now + 12_000_000n) }] }],
      }],
    };
    // A separate writer: a child process posting OTLP/JSON to the store's server, as an SDK would
    // (asynchronously: the server answering it runs in this process).
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', `
      const response = await fetch(${JSON.stringify(`${fixture.server.url}/v1/traces`)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(request))} });
      if (!response.ok) throw new Error('OTLP answered ' + response.status);
    `]);

    await page.locator(`.result.arrived[data-trace-id="${id}"]`).waitFor({ timeout: 10_000 });
    expect(await page.textContent(`.result[data-trace-id="${id}"] .result-title`)).toBe('billing: POST /invoices');
  });

  it('stops asking while live is off', async () => {
    await page.goto(`${fixture.server.url}/search?service=catalog`);
    await waitForCount(page, '.result', 1);
    await page.uncheck('.live-toggle input');
    let searches = 0;
    page.on('request', (request) => {
      if (request.url().includes('/_api/traces?')) searches++;
    });

    await page.waitForTimeout(2500);

    expect(searches).toBe(0);
  });
});

/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { openPage, screenshot, texts, waitForCount } from './support/browser.ts';
import { traceId } from './support/demo-traces.ts';
import type { TraceFixture } from './support/trace-fixture.ts';
import { useViewerSuite } from './support/viewer-suite.ts';

const suite = useViewerSuite();
let page: Page;
let fixture: TraceFixture;
beforeEach(() => {
  ({ page, fixture } = suite);
});

async function search(fields: { service?: string; operation?: string; attributes?: string; min?: string; max?: string }): Promise<void> {
  if (fields.service !== undefined) await page.selectOption('select[name=service]', fields.service);
  if (fields.operation !== undefined) {
    // The operations of the chosen service load after it is chosen.
    await page.waitForFunction((name) => [...document.querySelector<HTMLSelectElement>('select[name=operation]')!.options].some((option) => option.value === name), fields.operation);
    await page.selectOption('select[name=operation]', fields.operation);
  }
  if (fields.attributes !== undefined) await page.fill('input[name=attributes]', fields.attributes);
  if (fields.min !== undefined) await page.fill('input[name=min_duration]', fields.min);
  if (fields.max !== undefined) await page.fill('input[name=max_duration]', fields.max);
  await page.getByRole('button', { name: 'Find traces' }).click();
}

describe('the search page', () => {
  it('lists traces with duration bars, span counts, services, error marks and a scatter of duration over time', async () => {
    await page.goto(`${fixture.server.url}/`);
    await waitForCount(page, '.result', 6);

    expect(page.url()).toBe(`${fixture.server.url}/search`);
    const failed = page.locator(`.result[data-trace-id="${traceId('checkout-error')}"]`);
    expect(await failed.locator('.badge.error').textContent()).toBe('4 errors');
    expect(await failed.locator('.result-meta').textContent()).toContain('11 spans');
    expect(await texts(page, `.result[data-trace-id="${traceId('checkout-error')}"] .service-chips li`)).toEqual(['orders 6', 'gateway 3', 'payments 2']);
    expect(await page.locator('.duration-bar').count()).toBe(6);
    expect(await page.locator('.scatter circle').count()).toBe(6);
    expect(await page.locator('.scatter circle.failed').count()).toBe(2);
    await screenshot(page, 'search');
  });

  it('opens a trace from the scatter with the keyboard alone', async () => {
    await page.goto(`${fixture.server.url}/search`);
    await waitForCount(page, '.result', 6);
    const dot = page.locator(`.scatter circle[aria-label^="catalog: GET /products"]`);
    await dot.focus();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('link');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/trace/${traceId('catalog')}`);
  });

  it('searches by service and operation, keeps the search in the URL, and the back button restores the one before', async () => {
    await page.goto(`${fixture.server.url}/search`);
    await waitForCount(page, '.result', 6);

    await search({ service: 'payments', operation: 'provider.charge' });
    await waitForCount(page, '.result', 4);

    expect(new URL(page.url()).search).toBe('?service=payments&operation=provider.charge');
    expect(new Set(await texts(page, '.result-title'))).toEqual(new Set(['gateway: POST /checkout']));

    await search({ service: 'catalog' });
    await waitForCount(page, '.result', 1);
    expect(await texts(page, '.result-title')).toEqual(['catalog: GET /products']);

    await page.goBack();
    await waitForCount(page, '.result', 4);
    expect(await page.inputValue('select[name=service]')).toBe('payments');
    expect(await page.inputValue('select[name=operation]')).toBe('provider.charge');
  });

  it('searches by minimum and maximum duration', async () => {
    await page.goto(`${fixture.server.url}/search`);
    await search({ min: '1s', max: '2s' });
    await waitForCount(page, '.result', 1);

    expect(await texts(page, '.result-duration')).toEqual(['1.51s']);
    expect(new URL(page.url()).searchParams.get('min_duration')).toBe('1s');
  });

  it('searches by attribute, and a shared search URL opens with the same fields and results', async () => {
    await page.goto(`${fixture.server.url}/search`);
    await search({ attributes: 'order.id=ord-1044' });
    await waitForCount(page, '.result', 1);
    const shared = page.url();

    expect(new URL(shared).searchParams.getAll('tag')).toEqual(['order.id:ord-1044']);
    expect(await page.locator('.result').getAttribute('data-trace-id')).toBe(traceId('checkout-slow'));

    const { page: other } = await openPage(suite.browser);
    await other.goto(shared);
    await waitForCount(other, '.result', 1);
    expect(await other.inputValue('input[name=attributes]')).toBe('order.id=ord-1044');
    await other.close();
  });

  it('says which attribute filter it cannot read instead of searching', async () => {
    await page.goto(`${fixture.server.url}/search`);
    await page.fill('input[name=attributes]', 'order.id=1 oops');

    expect(await page.textContent('#attributes-help')).toBe("expected key=value at 'oops'");
    expect(await page.getAttribute('input[name=attributes]', 'aria-invalid')).toBe('true');
  });

  it('lists the operations of the service chosen last, though the one chosen before answers later', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => { release = resolve; });
    await page.route('**/_api/operations?service=catalog', async (route) => {
      await held;
      // The page may have given up on the request by now: that is the point.
      await route.continue().catch(() => {});
    });
    const answer = await fetch(`${fixture.server.url}/_api/operations?service=payments`);
    const payments = [...new Set(((await answer.json()) as { operations: { name: string }[] }).operations.map((operation) => operation.name))];
    await page.goto(`${fixture.server.url}/search`);

    await page.selectOption('select[name=service]', 'catalog');
    await page.selectOption('select[name=service]', 'payments');
    await waitForCount(page, 'select[name=operation] option', payments.length + 1);
    release();
    // Time for catalog's late answer to arrive and, were it still awaited, to replace the list.
    await page.waitForTimeout(500);

    expect(await page.inputValue('select[name=service]')).toBe('payments');
    expect(await texts(page, 'select[name=operation] option')).toEqual(['All operations', ...payments]);
  });
});

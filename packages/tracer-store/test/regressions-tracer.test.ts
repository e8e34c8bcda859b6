import { afterEach, describe, expect, it } from 'vitest';
import { createStoreTracer, type TraceStore } from '../src/index.js';
import { postgres } from './support/engines.js';

describe('the store tracer and spans the store refuses (found in review)', () => {
  const stores: TraceStore[] = [];
  afterEach(async () => { for (const s of stores.splice(0)) await s.close(); });

  it('T1 one span with a NUL character in an attribute (PostgreSQL) does not block every later span forever', async () => {
    const store = await postgres.open();
    stores.push(store);
    const tracer = createStoreTracer({ store, serviceName: 'svc', hookProcessShutdown: false });
    const bad = tracer.startSpan({ name: 'login', attributes: { 'user.name': 'bob\u0000' } });
    tracer.endSpan(bad);
    await tracer.flush().catch(() => undefined);
    const good = tracer.startSpan({ name: 'after' });
    tracer.endSpan(good);
    await tracer.flush().catch(() => undefined);
    await tracer.flush().catch(() => undefined);
    const stats = tracer.stats();
    await tracer.shutdown({ timeoutMillis: 500 }).catch(() => undefined);
    expect(await store.getTrace(good.traceId)).toBeDefined();
    expect(stats.spansExported).toBeGreaterThanOrEqual(1);
  });
});

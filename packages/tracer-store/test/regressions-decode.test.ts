import { describe, expect, it } from 'vitest';
import { decodeOtlpJson } from '../src/index.js';

const req = (span: object, attrs: object[] = []) =>
  JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'n', startTimeUnixNano: '1700000000000000000', ...span, attributes: attrs }] }] }] });

describe('OTLP decoding of hostile values (found in review)', () => {
  it.each([
    ['start abc', { startTimeUnixNano: 'abc' }],
    ['start -5', { startTimeUnixNano: '-5' }],
    ['start 1.5', { startTimeUnixNano: 1.5 }],
    ['start 1e3', { startTimeUnixNano: '1e3' }],
  ])('D1 %s: an OtlpDecodeError (400) or a row, never another exception', (_, span) => {
    let outcome: string;
    try {
      const d = decodeOtlpJson(req(span));
      outcome = d.rows.length === 0 ? `rejected ${d.rejected}: ${d.rejectionMessage}` : `rows ${d.rows.length} start ${d.rows[0]?.startUnixNanos}`;
    } catch (e) {
      outcome = (e as Error).name;
    }
    expect(outcome).toMatch(/OtlpDecodeError|rows 1 start \d+$|rejected 1: span "n": (start_time_unix_nano is missing or 0|times must be nanoseconds since 1970 below 2\^63)/);
  });

  it('D2 int attribute that is not a number', () => {
    let outcome: string;
    try {
      outcome = JSON.stringify(decodeOtlpJson(req({}, [{ key: 'k', value: { intValue: 'abc' } }])).rows[0]?.tags);
    } catch (e) {
      outcome = (e as Error).name;
    }
    expect(outcome).toMatch(/OtlpDecodeError|\{/);
  });

  it('D3 an attribute named __proto__ is kept (or counted as dropped)', () => {
    const row = decodeOtlpJson(req({}, [{ key: '__proto__', value: { stringValue: 'x' } }, { key: 'p', value: { kvlistValue: { values: [] } } }])).rows[0]!;
    expect({ tags: JSON.parse(JSON.stringify(row.tags)), dropped: row.droppedAttributesCount }).not.toEqual({ tags: { p: {} }, dropped: 0 });
  });
});

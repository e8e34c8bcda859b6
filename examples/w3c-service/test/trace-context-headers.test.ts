// The harness's parser, at the edges of the grammar: what it accepts from a service is what the
// harness lets pass, so each bound is tested on both sides.
import { describe, expect, it } from 'vitest';
import { parseTraceparent, parseTracestate, serializeTracestate } from './support/trace-context-headers.js';
import { traceparentOf, tracestateOf } from './support/trace-context-harness.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe('parseTraceparent', () => {
  it.each([
    [`00-${TRACE_ID}-${PARENT_ID}-01`, 0x01],
    [`00-${TRACE_ID}-${PARENT_ID}-02`, 0x02],
    [` \t00-${TRACE_ID}-${PARENT_ID}-ff\t `, 0xff],
  ])('reads %j', (value, traceFlags) => {
    expect(parseTraceparent(value)).toEqual({ version: '00', traceId: TRACE_ID, parentId: PARENT_ID, traceFlags });
  });

  it.each([
    ['00', /four fields, got 1/],
    [`00-${TRACE_ID}-${PARENT_ID}-01-00`, /four fields, got 5/],
    [`01-${TRACE_ID}-${PARENT_ID}-01`, /version must be 00/],
    [`00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`, /trace-id must be 32 lowercase hex/],
    [`00-${TRACE_ID}0-${PARENT_ID}-01`, /trace-id must be 32/],
    [`00-${'0'.repeat(32)}-${PARENT_ID}-01`, /trace-id is all zero/],
    [`00-${TRACE_ID}-${PARENT_ID.slice(1)}-01`, /parent-id must be 16/],
    [`00-${TRACE_ID}-${'0'.repeat(16)}-01`, /parent-id is all zero/],
    [`00-${TRACE_ID}-${PARENT_ID}-1`, /trace-flags must be 2/],
    [`00-${TRACE_ID}-${PARENT_ID}-0g`, /trace-flags must be 2/],
  ])('refuses %j', (value, why) => {
    expect(() => parseTraceparent(value)).toThrow(why);
  });
});

describe('parseTracestate', () => {
  it.each([
    ['a 256-character simple key', `${'z'.repeat(256)}=1`],
    ['a 241-character tenant and a 14-character system', `${'t'.repeat(241)}@${'v'.repeat(14)}=1`],
    ['a tenant that starts with a digit', '0t@v=1'],
    ['a 256-character value with inner spaces', `k=${'a b '.repeat(63)}abcd`],
  ])('accepts %s', (_, member) => {
    expect(serializeTracestate(parseTracestate([member]))).toBe(member);
  });

  it.each([
    ['a 257-character simple key', `${'z'.repeat(257)}=1`],
    ['a 242-character tenant', `${'t'.repeat(242)}@v=1`],
    ['a 15-character system', `t@${'v'.repeat(15)}=1`],
    ['a 257-character value', `k=${'v'.repeat(257)}`],
    ['an upper-case key', 'FOO=1'],
    ['a key with a dot', 'foo.bar=1'],
    ['a space before =', 'foo =1'],
    ['an empty value', 'foo='],
    ['= in a value', 'foo=bar=baz'],
    ['an empty tenant', '@foo=1'],
    ['an empty system', 'foo@=1'],
    ['two @', 'foo@bar@baz=1'],
  ])('refuses %s', (_, member) => {
    expect(() => parseTracestate([`ok=1,${member}`])).toThrow(/invalid tracestate list member/);
  });

  it('reads every header as one list, skipping empty members and the whitespace around commas', () => {
    const state = parseTracestate(['foo=1 \t, ,\tbar=2', '', ' baz=3 ']);
    expect(serializeTracestate(state)).toBe('foo=1,bar=2,baz=3');
  });

  it('keeps the first value of a repeated key, as the official parser does', () => {
    expect([...parseTracestate(['foo=1,bar=2', 'foo=3'])]).toEqual([
      ['foo', '1'],
      ['bar', '2'],
    ]);
  });
});

describe('reading a callback', () => {
  const line = `00-${TRACE_ID}-${PARENT_ID}-01`;

  it('finds the traceparent whatever the name\'s case', () => {
    expect(traceparentOf([['Host', 'x'], ['TraceParent', line]]).traceId).toBe(TRACE_ID);
  });

  it.each([
    ['none', [['host', 'x']] as const, /got zero/],
    ['two, cased differently', [['traceparent', line], ['TRACEPARENT', line]] as const, /got more/],
  ])('fails on %s', (_, headers, why) => {
    expect(() => traceparentOf(headers)).toThrow(why);
  });

  it('reads every tracestate header, in order, whatever the case', () => {
    const state = tracestateOf([['tracestate', 'a=1'], ['traceparent', line], ['TraceState', 'b=2']]);
    expect(serializeTracestate(state)).toBe('a=1,b=2');
  });
});

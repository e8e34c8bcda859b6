// The W3C Trace Context test harness (github.com/w3c/trace-context, test/test.py), written again
// in TypeScript: the same 41 tests under the same names, making the same requests and the same
// assertions, at the strictest settings (STRICT_LEVEL=2 runs the tracestate limit tests, SPEC_LEVEL=2
// runs the Level 2 class). Our code, not a copy; the protocol is the official one, so a service
// that passes here is driven exactly as `python test.py <service>/test` would drive it.
//
// How it drives a service: the harness listens on 127.0.0.1 (a free port, where the official one
// uses 7777) and sends `POST <service>/test` with the test's headers (in order, duplicates and
// casing kept) and a JSON list of `{ url, arguments }` naming callback URLs on itself. The service
// POSTs to each in order; the harness keeps each callback's raw headers and reads `traceparent`
// and `tracestate` from them with its own parser (trace-context-headers.ts).
//
// The official tests, by class, and ours (same name, same order as in test.py):
//   TraceContextTest (37)
//      1 test_both_traceparent_and_tracestate_missing       20 test_traceparent_trace_flags_illegal_characters
//      2 test_traceparent_included_tracestate_missing       21 test_traceparent_trace_flags_too_long
//      3 test_traceparent_duplicated                        22 test_traceparent_trace_flags_too_short
//      4 test_traceparent_header_name                       23 test_traceparent_ows_handling
//      5 test_traceparent_header_name_valid_casing          24 test_tracestate_included_traceparent_missing
//      6 test_traceparent_version_0x00                      25 test_tracestate_included_traceparent_included
//      7 test_traceparent_version_0xcc                      26 test_tracestate_header_name
//      8 test_traceparent_version_0xff                      27 test_tracestate_header_name_valid_casing
//      9 test_traceparent_version_illegal_characters        28 test_tracestate_empty_header
//     10 test_traceparent_version_too_long                  29 test_tracestate_multiple_headers_different_keys
//     11 test_traceparent_version_too_short                 30 test_tracestate_duplicated_keys          (STRICT_LEVEL 2)
//     12 test_traceparent_trace_id_all_zero                 31 test_tracestate_all_allowed_characters
//     13 test_traceparent_trace_id_illegal_characters       32 test_tracestate_ows_handling
//     14 test_traceparent_trace_id_too_long                 33 test_tracestate_key_illegal_characters   (STRICT_LEVEL 2)
//     15 test_traceparent_trace_id_too_short                34 test_tracestate_key_illegal_vendor_format (STRICT_LEVEL 2)
//     16 test_traceparent_parent_id_all_zero                35 test_tracestate_member_count_limit       (STRICT_LEVEL 2)
//     17 test_traceparent_parent_id_illegal_characters      36 test_tracestate_key_length_limit         (STRICT_LEVEL 2)
//     18 test_traceparent_parent_id_too_long                37 test_tracestate_value_illegal_characters (STRICT_LEVEL 2)
//     19 test_traceparent_parent_id_too_short
//   AdvancedTest (3)
//     38 test_multiple_requests_with_valid_traceparent      40 test_multiple_requests_with_illegal_traceparent
//     39 test_multiple_requests_without_traceparent
//   TraceContext2Test (1, SPEC_LEVEL 2)
//     41 test_propagates_random_flag
// 41 in all, as the issue counts: no test is added, left out or split. Where ours differ:
// - test_propagates_random_flag also asserts the random-trace-id bit of the flags, which its
//   docstring promises ("with the random flag set") and Level 2 requires of a continued trace.
//   The copy of test.py we read predates the Level 2 class; we took the class from the pull
//   request that added it (w3c/trace-context#500), whose visible diff shows the trace-id and
//   parent-id assertions only.
// - Our parser needs all four traceparent fields; the official one fills missing fields with
//   fresh ids (Traceparent('00') parses), so it would pass a service that sends a bare "00".
// - The official harness can follow nested `arguments` in a callback (the callback posts on);
//   no test uses that, so this harness does not.
// Some official assertions cannot fail once the output parses (for example trace_id_all_zero's
// "not all zero", or "not equal to '.2345…'", which is not hex); they are kept, so each test checks
// exactly what the official one does: that a valid traceparent comes out.
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseTraceparent,
  parseTracestate,
  serializeTracestate,
  type Traceparent,
  type Tracestate,
} from './trace-context-headers.js';

/** Header lines in the order they are sent or came: names as written, duplicates kept. */
export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/** How long the service may take to answer one `POST /test` (the official HARNESS_TIMEOUT). */
const SERVICE_TIMEOUT_MS = 5_000;

const TRACE_ID = '12345678901234567890123456789012';
const PARENT_ID = '1234567890123456';
const ZERO_TRACE_ID = '0'.repeat(32);
const SAMPLED = `00-${TRACE_ID}-${PARENT_ID}-01`;
const NOT_SAMPLED = `00-${TRACE_ID}-${PARENT_ID}-00`;
/** The flags bit Level 2 calls random-trace-id. */
const RANDOM_TRACE_ID_FLAG = 0x02;

// ---------------------------------------------------------------------------------------------
// The harness: a callback server, and make_request.

/** What one test case uses: the official TestBase's helpers. */
export interface HarnessSession {
  /**
   * Sends the headers to the service with `count` callback actions and returns each callback's
   * headers, in callback order (make_request). Fails the test if a callback did not come.
   */
  request(headers: HeaderList, count?: number): Promise<HeaderList[]>;
  /** One callback's traceparent and tracestate (make_single_request_and_get_tracecontext). */
  single(headers: HeaderList): Promise<{ traceparent: Traceparent; tracestate: Tracestate }>;
  /** The last exchange with the service, for failure messages (the official HARNESS_DEBUG text). */
  readonly lastExchange: string;
}

export interface TraceContextHarness {
  /** A session against the service at `serviceUrl` (its `/test` endpoint). */
  session(serviceUrl: string): HarnessSession;
  /** Stops the callback server and drops its connections. */
  close(): Promise<void>;
}

/** Starts the harness's callback server on 127.0.0.1, on a free port. */
export async function startTraceContextHarness(): Promise<TraceContextHarness> {
  // scope id -> callback index -> that callback's headers
  const scopes = new Map<string, Map<number, HeaderList>>();
  const server = createServer((req, res) => {
    const match = /^\/callback\/([0-9a-f]{32})\.(\d+)$/.exec(req.url ?? '');
    const scope = match ? scopes.get(match[1]!) : undefined;
    if (req.method !== 'POST' || !match || !scope) {
      res.writeHead(404).end();
      return;
    }
    scope.set(Number(match[2]), pairs(req.rawHeaders));
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('null'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    session(serviceUrl) {
      let lastExchange = '(no request sent yet)';
      const session: HarnessSession = {
        get lastExchange() {
          return lastExchange;
        },
        async request(headers, count = 1) {
          const id = randomUUID().replaceAll('-', '');
          const callbacks = new Map<number, HeaderList>();
          scopes.set(id, callbacks);
          const actions = Array.from({ length: count }, (_, i) => ({ url: `${base}/callback/${id}.${i}`, arguments: [] }));
          const body = JSON.stringify(actions);
          let outcome: string;
          try {
            const response = await post(serviceUrl, headers, body);
            outcome = `Your service responded with HTTP status ${response.status}\n\n${response.body}`;
          } catch (error) {
            outcome = `The harness got an exception: ${String(error)}`;
          } finally {
            scopes.delete(id);
          }
          lastExchange = describeExchange(serviceUrl, headers, body, outcome, callbacks);
          return actions.map((_, i) => {
            const callback = callbacks.get(i);
            if (!callback) throw new Error(`your test service failed to make a callback to the test harness\n${lastExchange}`);
            return callback;
          });
        },
        async single(headers) {
          const [callback] = await session.request(headers);
          return { traceparent: traceparentOf(callback!), tracestate: tracestateOf(callback!) };
        },
      };
      return session;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The one traceparent header of a callback, parsed (get_traceparent); fails on none or several. */
export function traceparentOf(headers: HeaderList): Traceparent {
  const found = headers.filter(([name]) => name.toLowerCase() === 'traceparent');
  expect(found, `expect one traceparent header, got ${found.length === 0 ? 'zero' : 'more'} ${JSON.stringify(found)}`).toHaveLength(1);
  return parseTraceparent(found[0]![1]);
}

/** Every tracestate header of a callback, read as one list (get_tracestate). */
export function tracestateOf(headers: HeaderList): Tracestate {
  return parseTracestate(headers.filter(([name]) => name.toLowerCase() === 'tracestate').map(([, value]) => value));
}

/**
 * `POST serviceUrl` with exactly these header lines after the harness's own (Host, Accept,
 * Content-Type, Content-Length, Connection): `node:http` sends a raw header array as given, so
 * duplicates, odd casing and whitespace around values reach the service unchanged.
 */
function post(serviceUrl: string, headers: HeaderList, body: string): Promise<{ status: number; body: string }> {
  const url = new URL(serviceUrl);
  const raw = [
    ['Host', url.host],
    ['Accept', 'application/json'],
    ['Content-Type', 'application/json'],
    ['Content-Length', String(Buffer.byteLength(body))],
    ['Connection', 'close'],
    ...headers,
  ].flat();
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: raw, timeout: SERVICE_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${SERVICE_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function pairs(rawHeaders: readonly string[]): HeaderList {
  const list: Array<readonly [string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) list.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return list;
}

function describeExchange(
  serviceUrl: string,
  headers: HeaderList,
  body: string,
  outcome: string,
  callbacks: ReadonlyMap<number, HeaderList>,
): string {
  const lines = [`The harness sent:`, '', `POST ${serviceUrl} HTTP/1.1`];
  for (const [name, value] of headers) lines.push(`${name}: ${JSON.stringify(value)}`);
  lines.push('', body, '', outcome, '');
  for (const [index, callback] of [...callbacks].sort(([a], [b]) => a - b)) {
    lines.push(`Your service made callback ${index} to the harness:`, '');
    for (const [name, value] of callback) lines.push(`${name}: ${value}`);
    lines.push('');
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// The tests. Most are a few requests that each expect something of the one callback's context:
// a step is [headers sent, what is expected]. The rest compare callbacks and run as code.

/** What one step expects, each an assertion of test.py. */
interface Expect {
  /** assertEqual(traceparent.trace_id.hex(), …) */
  traceId?: string;
  /** assertNotEqual(traceparent.trace_id.hex(), …), for each */
  notTraceId?: readonly string[];
  /** assertNotEqual(traceparent.parent_id.hex(), …) */
  notParentId?: string;
  /** assertIn(key, tracestate) and assertEqual(tracestate[key], value), for each */
  members?: Readonly<Record<string, string>>;
  /** assertRaises(KeyError, lambda: tracestate[key]), for each */
  absent?: readonly string[];
  /** assertEqual(len(tracestate), …) */
  size?: number;
  /** The random-trace-id flag is set (Level 2). */
  randomFlag?: true;
}

type Step = readonly [headers: HeaderList, expected: Expect];

type TestClass = 'TraceContextTest' | 'AdvancedTest' | 'TraceContext2Test';

export interface HarnessTest {
  testClass: TestClass;
  /** The official test's name. */
  name: string;
  run(session: HarnessSession): Promise<void>;
}

function steps(testClass: TestClass, name: string, ...list: readonly Step[]): HarnessTest {
  return {
    testClass,
    name,
    async run(session) {
      for (const [headers, expected] of list) check(await session.single(headers), expected);
    },
  };
}

function check({ traceparent, tracestate }: { traceparent: Traceparent; tracestate: Tracestate }, expected: Expect): void {
  if (expected.traceId !== undefined) expect(traceparent.traceId, 'trace-id').toBe(expected.traceId);
  for (const other of expected.notTraceId ?? []) expect(traceparent.traceId, 'trace-id').not.toBe(other);
  if (expected.notParentId !== undefined) expect(traceparent.parentId, 'parent-id').not.toBe(expected.notParentId);
  for (const [key, value] of Object.entries(expected.members ?? {})) {
    expect(tracestate.has(key), `tracestate has ${key} (${serializeTracestate(tracestate)})`).toBe(true);
    expect(tracestate.get(key), `tracestate ${key}`).toBe(value);
  }
  for (const key of expected.absent ?? []) {
    expect(tracestate.has(key), `tracestate must not have ${key} (${serializeTracestate(tracestate)})`).toBe(false);
  }
  if (expected.size !== undefined) expect(tracestate.size, 'tracestate list members').toBe(expected.size);
  if (expected.randomFlag) expect(traceparent.traceFlags & RANDOM_TRACE_ID_FLAG, 'random-trace-id flag').toBe(RANDOM_TRACE_ID_FLAG);
}

/** One traceparent header. */
const tp = (value: string): HeaderList => [['traceparent', value]];
/** The unsampled traceparent the tracestate tests send, then these tracestate values. */
const ts = (...values: string[]): HeaderList => [['traceparent', NOT_SAMPLED], ...values.map((v) => ['tracestate', v] as const)];
/** A step expecting a new trace: a trace-id other than each of these. */
const restarts = (headers: HeaderList, ...notTraceId: string[]): Step => [headers, { notTraceId: notTraceId.length ? notTraceId : [TRACE_ID] }];
const keeps: Expect = { traceId: TRACE_ID };
const foo1: Expect = { members: { foo: '1' } };

/** The characters from `first` to `last`, inclusive. */
const span = (first: number, last: number): string =>
  String.fromCharCode(...Array.from({ length: last - first + 1 }, (_, i) => first + i));
/** Every character a tracestate key may hold: lcalpha, DIGIT and _-*\/. */
const KEY_CHARS = `${span(0x61, 0x7a)}0123456789_-*/`;
/** Every character a tracestate value may hold: %x20-2B, %x2D-3C, %x3E-7E. */
const VALUE_CHARS = span(0x20, 0x2b) + span(0x2d, 0x3c) + span(0x3e, 0x7e);
/** bar01=01,…,barNN=NN from `from` to `to`. */
const bars = (from: number, to: number): string =>
  Array.from({ length: to - from + 1 }, (_, i) => String(from + i).padStart(2, '0')).map((n) => `bar${n}=${n}`).join(',');

const T = 'TraceContextTest';

/** The 41 tests of the official harness, in test.py's order. */
export const TRACE_CONTEXT_TESTS: readonly HarnessTest[] = [
  steps(T, 'test_both_traceparent_and_tracestate_missing', [[], {}]),
  steps(T, 'test_traceparent_included_tracestate_missing', [tp(SAMPLED), { traceId: TRACE_ID, notParentId: PARENT_ID }]),
  steps(T, 'test_traceparent_duplicated', [
    [...tp(`00-12345678901234567890123456789011-${PARENT_ID}-01`), ...tp(SAMPLED)],
    { notTraceId: ['12345678901234567890123456789011', TRACE_ID] },
  ]),
  steps(T, 'test_traceparent_header_name', restarts([['trace-parent', SAMPLED]]), restarts([['trace.parent', SAMPLED]])),
  steps(
    T,
    'test_traceparent_header_name_valid_casing',
    ...['TraceParent', 'TrAcEpArEnT', 'TRACEPARENT'].map((name): Step => [[[name, SAMPLED]], keeps]),
  ),
  steps(T, 'test_traceparent_version_0x00', restarts(tp(`${SAMPLED}.`)), restarts(tp(`${SAMPLED}-what-the-future-will-be-like`))),
  steps(
    T,
    'test_traceparent_version_0xcc',
    [tp(`cc-${TRACE_ID}-${PARENT_ID}-01`), keeps],
    [tp(`cc-${TRACE_ID}-${PARENT_ID}-01-what-the-future-will-be-like`), keeps],
    restarts(tp(`cc-${TRACE_ID}-${PARENT_ID}-01.what-the-future-will-be-like`)),
  ),
  steps(T, 'test_traceparent_version_0xff', restarts(tp(`ff-${TRACE_ID}-${PARENT_ID}-01`))),
  steps(
    T,
    'test_traceparent_version_illegal_characters',
    restarts(tp(`.0-${TRACE_ID}-${PARENT_ID}-01`)),
    restarts(tp(`0.-${TRACE_ID}-${PARENT_ID}-01`)),
  ),
  steps(
    T,
    'test_traceparent_version_too_long',
    restarts(tp(`000-${TRACE_ID}-${PARENT_ID}-01`)),
    restarts(tp(`0000-${TRACE_ID}-${PARENT_ID}-01`)),
  ),
  steps(T, 'test_traceparent_version_too_short', restarts(tp(`0-${TRACE_ID}-${PARENT_ID}-01`))),
  steps(T, 'test_traceparent_trace_id_all_zero', restarts(tp(`00-${ZERO_TRACE_ID}-${PARENT_ID}-01`), ZERO_TRACE_ID)),
  steps(
    T,
    'test_traceparent_trace_id_illegal_characters',
    restarts(tp(`00-.2345678901234567890123456789012-${PARENT_ID}-01`), '.2345678901234567890123456789012'),
    restarts(tp(`00-1234567890123456789012345678901.-${PARENT_ID}-01`), '1234567890123456789012345678901.'),
  ),
  steps(
    T,
    'test_traceparent_trace_id_too_long',
    restarts(
      tp(`00-123456789012345678901234567890123-${PARENT_ID}-01`),
      '123456789012345678901234567890123',
      TRACE_ID,
      '23456789012345678901234567890123',
    ),
  ),
  steps(
    T,
    'test_traceparent_trace_id_too_short',
    restarts(tp(`00-1234567890123456789012345678901-${PARENT_ID}-01`), '1234567890123456789012345678901'),
  ),
  steps(T, 'test_traceparent_parent_id_all_zero', restarts(tp(`00-${TRACE_ID}-0000000000000000-01`))),
  steps(
    T,
    'test_traceparent_parent_id_illegal_characters',
    restarts(tp(`00-${TRACE_ID}-.234567890123456-01`)),
    restarts(tp(`00-${TRACE_ID}-123456789012345.-01`)),
  ),
  steps(T, 'test_traceparent_parent_id_too_long', restarts(tp(`00-${TRACE_ID}-12345678901234567-01`))),
  steps(T, 'test_traceparent_parent_id_too_short', restarts(tp(`00-${TRACE_ID}-123456789012345-01`))),
  steps(
    T,
    'test_traceparent_trace_flags_illegal_characters',
    restarts(tp(`00-${TRACE_ID}-${PARENT_ID}-.0`)),
    restarts(tp(`00-${TRACE_ID}-${PARENT_ID}-0.`)),
  ),
  steps(T, 'test_traceparent_trace_flags_too_long', restarts(tp(`00-${TRACE_ID}-${PARENT_ID}-001`))),
  steps(T, 'test_traceparent_trace_flags_too_short', restarts(tp(`00-${TRACE_ID}-${PARENT_ID}-1`))),
  steps(
    T,
    'test_traceparent_ows_handling',
    ...[` ${SAMPLED}`, `\t${SAMPLED}`, `${SAMPLED} `, `${SAMPLED}\t`, `\t ${SAMPLED} \t`].map((value): Step => [tp(value), keeps]),
  ),
  {
    testClass: T,
    name: 'test_tracestate_included_traceparent_missing',
    async run(session) {
      // Without a traceparent the tracestate is to be dropped: both answers carry as much of it.
      const { tracestate: first } = await session.single([['tracestate', 'foo=1']]);
      const { tracestate: second } = await session.single([['tracestate', 'foo=1,bar=2']]);
      expect(first.size, 'tracestate list members of both answers').toBe(second.size);
    },
  },
  steps(T, 'test_tracestate_included_traceparent_included', [ts('foo=1,bar=2'), { traceId: TRACE_ID, members: { foo: '1', bar: '2' } }]),
  steps(
    T,
    'test_tracestate_header_name',
    [[...tp(NOT_SAMPLED), ['trace-state', 'foo=1']], { absent: ['foo'] }],
    [[...tp(NOT_SAMPLED), ['trace.state', 'foo=1']], { absent: ['foo'] }],
  ),
  steps(
    T,
    'test_tracestate_header_name_valid_casing',
    ...['TraceState', 'TrAcEsTaTe', 'TRACESTATE'].map((name): Step => [[...tp(NOT_SAMPLED), [name, 'foo=1']], foo1]),
  ),
  // The first step's other assertion, `not tracestate or tracestate != ''`, compares the object
  // with a string and always holds; the tracestate still has to parse.
  steps(T, 'test_tracestate_empty_header', [ts(''), keeps], [ts('foo=1', ''), { ...keeps, ...foo1 }], [ts('', 'foo=1'), { ...keeps, ...foo1 }]),
  {
    testClass: T,
    name: 'test_tracestate_multiple_headers_different_keys',
    async run(session) {
      const { traceparent, tracestate } = await session.single(ts('foo=1,bar=2', 'rojo=1,congo=2', 'baz=3'));
      expect(traceparent.traceId, 'trace-id').toBe(TRACE_ID);
      const text = serializeTracestate(tracestate);
      const at = ['foo=1', 'bar=2', 'rojo=1', 'congo=2', 'baz=3'].map((member) => {
        expect(text, 'tracestate').toContain(member);
        return text.indexOf(member);
      });
      expect(at, `the members keep their order in ${text}`).toEqual([...at].sort((a, b) => a - b));
    },
  },
  steps(
    T,
    'test_tracestate_duplicated_keys',
    [ts('foo=1,foo=1'), { ...keeps, absent: ['foo'] }],
    [ts('foo=1,foo=2'), { ...keeps, absent: ['foo'] }],
    [ts('foo=1', 'foo=1'), { ...keeps, absent: ['foo'] }],
    [ts('foo=1', 'foo=2'), { ...keeps, absent: ['foo'] }],
  ),
  steps(
    T,
    'test_tracestate_all_allowed_characters',
    [ts(`${KEY_CHARS}=${VALUE_CHARS}`), { members: { [KEY_CHARS]: VALUE_CHARS } }],
    [ts(`${KEY_CHARS}@a-z0-9_-*/=${VALUE_CHARS}`), { members: { [`${KEY_CHARS}@a-z0-9_-*/`]: VALUE_CHARS } }],
  ),
  steps(
    T,
    'test_tracestate_ows_handling',
    ...['foo=1 \t , \t bar=2, \t baz=3', 'foo=1\t \t,\t \tbar=2,\t \tbaz=3'].map(
      (value): Step => [ts(value), { members: { foo: '1', bar: '2', baz: '3' } }],
    ),
    ...[' foo=1', '\tfoo=1', 'foo=1 ', 'foo=1\t', '\t foo=1 \t'].map((value): Step => [ts(value), { ...keeps, ...foo1 }]),
  ),
  steps(
    T,
    'test_tracestate_key_illegal_characters',
    [ts('foo =1'), { absent: ['foo '] }],
    [ts('FOO=1'), { absent: ['FOO'] }],
    [ts('foo.bar=1'), { absent: ['foo.bar'] }],
  ),
  steps(
    T,
    'test_tracestate_key_illegal_vendor_format',
    ...['foo@=1,bar=2', '@foo=1,bar=2', 'foo@@bar=1,bar=2', 'foo@bar@baz=1,bar=2'].map((value): Step => [ts(value), { absent: ['bar'] }]),
  ),
  steps(
    T,
    'test_tracestate_member_count_limit',
    [ts(bars(1, 10), bars(11, 20), bars(21, 30), bars(31, 32)), { members: { bar01: '01' }, size: 32 }],
    [ts(bars(1, 10), bars(11, 20), bars(21, 30), bars(31, 33)), { absent: ['bar01'] }],
  ),
  steps(
    T,
    'test_tracestate_key_length_limit',
    [ts('foo=1', `${'z'.repeat(256)}=1`), foo1],
    [ts('foo=1', `${'z'.repeat(257)}=1`), { absent: ['foo'] }],
    [ts('foo=1', `${'t'.repeat(241)}@${'v'.repeat(14)}=1`), foo1],
    [ts('foo=1', `${'t'.repeat(242)}@v=1`), { absent: ['foo'] }],
    [ts('foo=1', `t@${'v'.repeat(15)}=1`), { absent: ['foo'] }],
  ),
  steps(
    T,
    'test_tracestate_value_illegal_characters',
    [ts('foo=bar=baz'), { absent: ['foo'] }],
    [ts('foo=,bar=3'), { absent: ['foo', 'bar'] }],
  ),
  fanOut('test_multiple_requests_with_valid_traceparent', tp(SAMPLED), (traceIds) => {
    expect(traceIds.size, 'distinct trace-ids').toBe(1);
    expect(traceIds.has(TRACE_ID), 'the trace-id sent is kept').toBe(true);
  }),
  fanOut('test_multiple_requests_without_traceparent', [], () => {}),
  fanOut('test_multiple_requests_with_illegal_traceparent', tp(`00-${ZERO_TRACE_ID}-${PARENT_ID}-01`), (traceIds) => {
    expect(traceIds.has(ZERO_TRACE_ID), 'the all-zero trace-id is not kept').toBe(false);
  }),
  steps('TraceContext2Test', 'test_propagates_random_flag', [
    tp(`00-${TRACE_ID}-${PARENT_ID}-02`),
    { traceId: TRACE_ID, notParentId: PARENT_ID, randomFlag: true },
  ]),
];

/** An AdvancedTest: three callbacks from one request, each with its own parent-id. */
function fanOut(name: string, headers: HeaderList, checkTraceIds: (traceIds: ReadonlySet<string>) => void): HarnessTest {
  return {
    testClass: 'AdvancedTest',
    name,
    async run(session) {
      const traceparents = (await session.request(headers, 3)).map(traceparentOf);
      checkTraceIds(new Set(traceparents.map((t) => t.traceId)));
      expect(new Set(traceparents.map((t) => t.parentId)).size, 'distinct parent-ids over 3 callbacks').toBe(3);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Running them.

export interface DescribeOptions {
  /**
   * Tests the service is known to fail, by name, with why: each runs as `it.fails`, so the suite
   * stays green while it fails and turns red the day it passes. A name that is not one of the 41
   * throws.
   * @defaultValue none
   */
  expectedFailures?: Readonly<Record<string, string>>;
}

/**
 * Registers a vitest `describe(title)` holding one test per official test, grouped by official
 * class, run against the service whose `/test` endpoint `getServiceUrl()` returns (called when
 * the tests run, so a `beforeAll` may start the service). The harness's callback server starts
 * before the first test and stops after the last.
 */
export function describeTraceContextHarness(title: string, getServiceUrl: () => string, options: DescribeOptions = {}): void {
  const expectedFailures = options.expectedFailures ?? {};
  const unknown = Object.keys(expectedFailures).filter((name) => !TRACE_CONTEXT_TESTS.some((t) => t.name === name));
  if (unknown.length > 0) throw new Error(`expectedFailures names tests the harness does not have: ${unknown.join(', ')}`);

  describe(title, () => {
    let harness: TraceContextHarness;
    beforeAll(async () => {
      harness = await startTraceContextHarness();
    });
    afterAll(() => harness?.close());

    for (const testClass of ['TraceContextTest', 'AdvancedTest', 'TraceContext2Test'] as const) {
      describe(testClass, () => {
        for (const test of TRACE_CONTEXT_TESTS.filter((t) => t.testClass === testClass)) {
          const register = test.name in expectedFailures ? it.fails : it;
          register(test.name, () => runOne(test, harness.session(getServiceUrl())));
        }
      });
    }
  });
}

export interface HarnessResult {
  name: string;
  passed: boolean;
  /** Why it failed. */
  error?: string;
}

/**
 * Runs all 41 tests, one after another, against the service at `serviceUrl` and returns each
 * outcome instead of failing: for a test about the harness itself (does it fail a broken
 * service?). Starts and stops its own callback server.
 */
export async function runTraceContextHarness(serviceUrl: string): Promise<HarnessResult[]> {
  const harness = await startTraceContextHarness();
  try {
    const results: HarnessResult[] = [];
    for (const test of TRACE_CONTEXT_TESTS) {
      try {
        await runOne(test, harness.session(serviceUrl));
        results.push({ name: test.name, passed: true });
      } catch (error) {
        results.push({ name: test.name, passed: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return results;
  } finally {
    await harness.close();
  }
}

/** Runs one test; a failure's message ends with the last exchange with the service. */
async function runOne(test: HarnessTest, session: HarnessSession): Promise<void> {
  try {
    await test.run(session);
  } catch (error) {
    if (error instanceof Error && !error.message.includes(session.lastExchange)) {
      error.message += `\n\n${session.lastExchange}`;
    }
    throw error;
  }
}

import fc from 'fast-check';
import { SpanHandle, ledgerProblem, type SpanStart, type TracerPlugin } from '@x/tracer-core';
import { GARBAGE } from './garbage.js';
import type { PluginFactory } from './conformance.js';

/** Options of {@link fuzzPlugin}. */
export interface FuzzOptions {
  /** Random call sequences to run, each on a fresh plugin. @defaultValue 100 */
  readonly runs?: number;
  /** Longest sequence. @defaultValue 60 */
  readonly maxCalls?: number;
  /** fast-check seed, to replay a failure. @defaultValue random */
  readonly seed?: number;
  /** How long `flush()`/`shutdown()` may take before the run fails. @defaultValue 5000 */
  readonly settleMillis?: number;
}

/** What {@link fuzzPlugin} found. `failure` is fast-check's report (with the seed to replay it). */
export interface FuzzReport {
  readonly calls: number;
  readonly runs: number;
  readonly failure?: string;
}

type Call =
  | { op: 'start'; start: unknown; parent: number }
  | { op: 'attr'; target: number; key: unknown; value: unknown }
  | { op: 'status'; target: number; status: unknown }
  | { op: 'event'; target: number; event: unknown }
  | { op: 'end'; target: number; time: unknown }
  | { op: 'rename'; target: number; name: unknown }
  // A handle made so far (an index, as for the others), or a hostile value in its place.
  | { op: 'traceState'; target: number | { readonly hostile: unknown } }
  | { op: 'flush' }
  | { op: 'stats' }
  | { op: 'shutdown' };

const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;
const hostileKey = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', ''));
const hostile = fc.oneof(
  fc.anything({ maxDepth: 4, key: hostileKey, withBigInt: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, withMap: true, withSet: true, withDate: true }),
  fc.constantFrom(...GARBAGE, cyclic, 'x'.repeat(100_000), Number.NaN, -0, Symbol('s'), () => 1),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.bigInt()), { maxLength: 20 }),
  fc.dictionary(hostileKey, fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.anything({ maxDepth: 2 }))),
);
const goodValue = fc.oneof(fc.string({ maxLength: 50 }), fc.integer(), fc.double(), fc.boolean(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.array(fc.string(), { maxLength: 5 }));
const time = fc.oneof(fc.constant(undefined), fc.bigInt({ min: 0n, max: 2n ** 64n }), hostile);
const startArb = fc.oneof(
  fc.record({ name: fc.string({ maxLength: 30 }), kind: fc.oneof(fc.integer({ min: -1, max: 6 }), hostile), attributes: fc.dictionary(hostileKey, fc.oneof(goodValue, hostile), { maxKeys: 8 }) }, { requiredKeys: ['name'] }),
  fc.record({ name: hostile, links: fc.oneof(hostile, fc.array(fc.record({ context: hostile, attributes: hostile }), { maxLength: 3 })), startTimeUnixNanos: time, traceId: hostile, spanId: hostile, traceState: hostile, scope: fc.oneof(hostile, fc.record({ name: fc.string({ maxLength: 30 }), version: fc.oneof(fc.string({ maxLength: 10 }), hostile) }, { requiredKeys: ['name'] })) }),
  hostile,
);
// Targets: an index into the handles made so far (stale ones included), or a forged or garbage handle.
const target = fc.integer({ min: -4, max: 30 });

const callArb: fc.Arbitrary<Call> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('start' as const), start: startArb, parent: target }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('attr' as const), target, key: fc.oneof(hostileKey, hostile), value: fc.oneof(goodValue, hostile) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('status' as const), target, status: fc.oneof(fc.record({ code: fc.integer({ min: -1, max: 3 }), message: fc.oneof(fc.string(), hostile) }), hostile) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('event' as const), target, event: fc.oneof(fc.record({ name: fc.oneof(fc.string(), hostile), attributes: hostile, timeUnixNanos: time }), hostile) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('end' as const), target, time }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('rename' as const), target, name: fc.oneof(fc.string({ maxLength: 30 }), hostile) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('traceState' as const), target: fc.oneof({ weight: 3, arbitrary: target }, { weight: 1, arbitrary: hostile.map((value) => ({ hostile: value })) }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'stats' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'shutdown' as const }) },
);

const FORGED = [
  SpanHandle.INVALID,
  { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8) },
  { traceId: 'zz', spanId: 'zz' },
  Object.create(null),
];

function pick(handles: unknown[], index: number): unknown {
  if (index < 0) return FORGED[(-index - 1) % FORGED.length];
  return handles.length === 0 ? undefined : handles[index % handles.length];
}

const prototypes = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype];
const snapshotPrototypes = () => prototypes.map((p) => Object.getOwnPropertyNames(p).sort().join(','));

async function settle(promise: unknown, millis: number, what: string): Promise<void> {
  if (typeof (promise as Promise<void> | undefined)?.then !== 'function') throw new Error(`${what} did not return a promise`);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, millis, 'late')));
  const outcome = await Promise.race([(promise as Promise<void>).then(() => 'ok', () => 'rejected'), late]);
  clearTimeout(timer);
  if (outcome === 'late') throw new Error(`${what} did not settle within ${millis} ms`);
}

/**
 * Property-based fuzzing of a TracerPlugin: random sequences of calls (`updateName` and `traceState`
 * too, when the plugin has them) with random and hostile
 * arguments (wrong types, huge and deeply nested values, cyclic objects, `__proto__` keys, forged,
 * stale and INVALID handles, calls after shutdown) on fresh plugins from `factory`. After every
 * call: no synchronous throw, `traceState` answers a string or undefined (undefined for INVALID and
 * for a span ended before any shutdown), and with `stats()` the ledger balances. After every run:
 * `flush()` and `shutdown()` settle in time and no built-in prototype gained a property. Never rejects.
 */
export async function fuzzPlugin(factory: PluginFactory, options: FuzzOptions = {}): Promise<FuzzReport> {
  let calls = 0;
  let runs = 0;
  const settleMillis = options.settleMillis ?? 5000;
  const before = snapshotPrototypes();
  const property = fc.asyncProperty(fc.array(callArb, { maxLength: options.maxCalls ?? 60, size: 'max' }), async (sequence) => {
    runs++;
    const plugin: TracerPlugin = await factory();
    const handles: unknown[] = [];
    // Handles passed to endSpan before any shutdown: traceState must not answer for them.
    const ended = new Set<unknown>();
    let shutDown = false;
    try {
      for (const call of sequence) {
        calls++;
        switch (call.op) {
          case 'start': {
            let start = call.start;
            if (typeof start === 'object' && start !== null && call.parent % 3 === 0) {
              // The harness itself must survive hostile objects (a spread runs their getters).
              try {
                start = { ...start, parent: pick(handles, call.parent) };
              } catch {
                // keep the hostile object as it is
              }
            }
            handles.push(plugin.startSpan(start as SpanStart));
            break;
          }
          case 'attr':
            plugin.setAttribute(pick(handles, call.target) as SpanHandle, call.key as string, call.value as never);
            break;
          case 'status':
            plugin.setStatus(pick(handles, call.target) as SpanHandle, call.status as never);
            break;
          case 'event':
            plugin.addEvent(pick(handles, call.target) as SpanHandle, call.event as never);
            break;
          case 'end': {
            const handle = pick(handles, call.target);
            plugin.endSpan(handle as SpanHandle, call.time as bigint);
            if (!shutDown) ended.add(handle);
            break;
          }
          case 'rename':
            // Optional in the contract: a plugin without it is not called.
            plugin.updateName?.(pick(handles, call.target) as SpanHandle, call.name as string);
            break;
          case 'traceState': {
            // Optional in the contract: a plugin without it is not called.
            if (plugin.traceState === undefined) break;
            const handle = typeof call.target === 'number' ? pick(handles, call.target) : call.target.hostile;
            const state: unknown = plugin.traceState(handle as SpanHandle);
            if (state !== undefined && typeof state !== 'string') throw new Error(`traceState returned a ${typeof state}, not a string or undefined`);
            if (state !== undefined && (handle === SpanHandle.INVALID || ended.has(handle))) {
              throw new Error(`traceState answered ${JSON.stringify(state)} for ${handle === SpanHandle.INVALID ? 'INVALID' : 'an ended span'}`);
            }
            break;
          }
          case 'flush':
            await settle(plugin.flush(), settleMillis, 'flush()');
            break;
          case 'stats':
            plugin.stats?.();
            break;
          case 'shutdown':
            if (plugin.shutdown) {
              // An endSpan from now on is a no-op: it ends nothing traceState must forget.
              shutDown = true;
              await settle(plugin.shutdown({ timeoutMillis: settleMillis }), settleMillis * 2, 'shutdown()');
            }
            break;
        }
        const stats = plugin.stats?.();
        const problem = stats === undefined ? undefined : ledgerProblem(stats);
        if (problem !== undefined) throw new Error(`ledger after ${call.op}: ${problem}`);
      }
      await settle(plugin.flush(), settleMillis, 'the final flush()');
    } finally {
      if (plugin.shutdown) await settle(plugin.shutdown({ timeoutMillis: settleMillis }), settleMillis * 2, 'shutdown()').catch(() => undefined);
    }
    const after = snapshotPrototypes();
    if (after.join('|') !== before.join('|')) throw new Error('a built-in prototype gained or lost a property');
    if (({} as Record<string, unknown>).polluted !== undefined) throw new Error('Object.prototype was polluted');
  });
  try {
    await fc.assert(property, { numRuns: options.runs ?? 100, ...(options.seed === undefined ? {} : { seed: options.seed }) });
    return { calls, runs };
  } catch (error) {
    // fast-check keeps what the property threw in `cause`: the report says both.
    const cause = error instanceof Error && error.cause instanceof Error ? `\nCause: ${error.cause.message}` : '';
    return { calls, runs, failure: `${error instanceof Error ? error.message : String(error)}${cause}` };
  }
}

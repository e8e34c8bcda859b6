import { SpanHandle, SpanStatusCode, ledgerProblem, type TracerPlugin, type TracerStats } from '@x/tracer-core';
import { PLUGIN_METHODS } from '@x/tracer-core/internal';
import type { ExportedSpan } from './conformance.js';
import { FOREIGN_HANDLES, GARBAGE, SCOPES } from './garbage.js';

/** What each check gets: a way to make fresh plugins, the time bound for flush, and how to read exports. */
export interface CheckContext {
  /** A fresh plugin from the factory; it is shut down after the check. */
  make(): Promise<TracerPlugin>;
  readonly flushTimeoutMillis: number;
  /** `ConformanceOptions.exported`, when given: what a plugin from `make` exported so far. */
  readonly exported?: (plugin: TracerPlugin) => Promise<readonly ExportedSpan[]>;
}

/** A broken rule. Its message says what the contract wanted and what the plugin did. */
export class CheckFailure extends Error {
  override readonly name = 'CheckFailure';
}

function fail(message: string): never {
  throw new CheckFailure(message);
}

function attempt<T>(what: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    fail(`${what} threw: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

function isInvalidHandle(handle: SpanHandle): boolean {
  return handle.traceId === SpanHandle.INVALID.traceId && handle.spanId === SpanHandle.INVALID.spanId;
}

/** Fails unless `handle` is INVALID or has ids of the right widths in lowercase hex. */
function wellFormed(handle: unknown, what: string): SpanHandle {
  if (typeof handle !== 'object' || handle === null) fail(`${what} returned ${String(handle)}, not a handle`);
  const { traceId, spanId } = handle as SpanHandle;
  if (typeof traceId !== 'string' || typeof spanId !== 'string') fail(`${what} returned a handle without string ids`);
  if (isInvalidHandle(handle as SpanHandle)) return handle as SpanHandle;
  if (!TRACE_ID.test(traceId)) fail(`${what}: trace id ${JSON.stringify(traceId)} is not 32 lowercase hex characters`);
  if (!SPAN_ID.test(spanId)) fail(`${what}: span id ${JSON.stringify(spanId)} is not 16 lowercase hex characters`);
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) fail(`${what}: a sampled span has an all-zero id`);
  return handle as SpanHandle;
}

/**
 * Starts a span and returns its handle, or `undefined` when the plugin did not sample it. Never
 * sampling is allowed (a fan-out with no children, an always-off sampler): rules about sampled
 * spans then hold vacuously, and the checks go on with INVALID.
 */
function sampled(plugin: TracerPlugin, what: string, start: Parameters<TracerPlugin['startSpan']>[0]): SpanHandle | undefined {
  const handle = wellFormed(attempt(what, () => plugin.startSpan(start)), what);
  return isInvalidHandle(handle) ? undefined : handle;
}

async function settlesWithin<T>(promise: Promise<T>, millis: number, what: string): Promise<'resolved' | 'rejected'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, millis, 'timeout')));
  const outcome = await Promise.race([
    promise.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    timeout,
  ]);
  clearTimeout(timer);
  if (outcome === 'timeout') fail(`${what} did not settle within ${millis} ms`);
  return outcome;
}

function callFlush(plugin: TracerPlugin): Promise<void> {
  const result: unknown = attempt('flush()', () => plugin.flush());
  if (typeof (result as Promise<void> | undefined)?.then !== 'function') fail('flush() did not return a promise');
  return result as Promise<void>;
}

/**
 * `traceState(handle)` when the plugin has it (else undefined): fails unless it answers a string or
 * undefined without throwing.
 */
function traceStateOf(plugin: TracerPlugin, handle: unknown, what: string): string | undefined {
  if (typeof plugin.traceState !== 'function') return undefined;
  const state: unknown = attempt(what, () => plugin.traceState!(handle as SpanHandle));
  if (state !== undefined && typeof state !== 'string') fail(`${what} returned ${describe(state)}, not a string or undefined`);
  return state;
}

function statsOf(plugin: TracerPlugin): TracerStats | undefined {
  return typeof plugin.stats === 'function' ? attempt('stats()', () => plugin.stats!()) : undefined;
}

/** Every recording call with `handle` and each garbage value in each argument position. */
function hammer(plugin: TracerPlugin, handle: unknown): void {
  const h = handle as SpanHandle;
  for (const value of GARBAGE) {
    const v = value as never;
    attempt(`setAttribute(handle, ${describe(value)}, 'v')`, () => plugin.setAttribute(h, v, 'v'));
    attempt(`setAttribute(handle, 'k', ${describe(value)})`, () => plugin.setAttribute(h, 'k', v));
    attempt(`setStatus(handle, ${describe(value)})`, () => plugin.setStatus(h, v));
    attempt(`addEvent(handle, ${describe(value)})`, () => plugin.addEvent(h, v));
    attempt(`addEvent(handle, { name: 'e', attributes: ${describe(value)} })`, () =>
      plugin.addEvent(h, { name: 'e', attributes: v }),
    );
    attempt(`endSpan(${describe(value)})`, () => plugin.endSpan(v));
    if (typeof plugin.updateName === 'function') attempt(`updateName(handle, ${describe(value)})`, () => plugin.updateName!(h, v));
  }
  traceStateOf(plugin, handle, `traceState(${describe(handle)})`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 20 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (typeof value === 'symbol' || typeof value === 'function') return typeof value;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

type Check = (ctx: CheckContext) => Promise<void>;

/**
 * The rules of the TracerPlugin contract, by stable name. Checks that need an optional member
 * (`updateName`, `traceState`, `shutdown`, `stats`) pass when the plugin does not have it.
 */
export const CHECKS: Readonly<Record<string, Check>> = {
  'has a name and every method': async ({ make }) => {
    const plugin = await make();
    if (typeof plugin.name !== 'string' || plugin.name === '') fail('name must be a non-empty string');
    for (const method of PLUGIN_METHODS) {
      if (typeof plugin[method] !== 'function') fail(`${method} is not a function`);
    }
    for (const method of ['updateName', 'traceState', 'shutdown', 'stats'] as const) {
      if (plugin[method] !== undefined && typeof plugin[method] !== 'function') fail(`${method} is present but not a function`);
    }
  },

  'startSpan returns a well-formed handle or INVALID': async ({ make }) => {
    const plugin = await make();
    wellFormed(attempt('startSpan', () => plugin.startSpan({ name: 'root' })), 'startSpan({ name })');
    for (const start of GARBAGE) {
      wellFormed(
        attempt(`startSpan(${describe(start)})`, () => plugin.startSpan(start as never)),
        `startSpan(${describe(start)})`,
      );
    }
  },

  'ids have the wire widths (32 and 16 lowercase hex)': async ({ make }) => {
    const plugin = await make();
    const root = sampled(plugin, 'startSpan(root)', { name: 'root' });
    if (root === undefined) return;
    wellFormed(attempt('startSpan(child)', () => plugin.startSpan({ name: 'child', parent: root })), 'startSpan(child)');
  },

  'roots get fresh trace ids': async ({ make }) => {
    const plugin = await make();
    const traceIds = new Set<string>();
    const spanIds = new Set<string>();
    let roots = 0;
    for (let i = 0; i < 20; i++) {
      const root = sampled(plugin, 'startSpan(root)', { name: `root ${i}` });
      if (root === undefined) continue;
      roots++;
      traceIds.add(root.traceId);
      spanIds.add(root.spanId);
    }
    if (traceIds.size !== roots) fail(`${roots} sampled roots got only ${traceIds.size} distinct trace ids`);
    if (spanIds.size !== roots) fail(`${roots} sampled roots got only ${spanIds.size} distinct span ids`);
  },

  "children share their parent's trace id": async ({ make }) => {
    const plugin = await make();
    const root = sampled(plugin, 'startSpan(root)', { name: 'root' });
    if (root === undefined) return;
    const child = wellFormed(attempt('startSpan(child)', () => plugin.startSpan({ name: 'child', parent: root })), 'child');
    if (isInvalidHandle(child)) return;
    if (child.traceId !== root.traceId) fail(`child trace id ${child.traceId} differs from parent's ${root.traceId}`);
    if (child.spanId === root.spanId) fail('child reused the parent span id');
    const grandchild = wellFormed(
      attempt('startSpan(grandchild)', () => plugin.startSpan({ name: 'grandchild', parent: child })),
      'grandchild',
    );
    if (!isInvalidHandle(grandchild) && grandchild.traceId !== root.traceId) fail('grandchild left the trace');
  },

  'an INVALID parent gives INVALID': async ({ make }) => {
    const plugin = await make();
    const child = wellFormed(
      attempt('startSpan(INVALID parent)', () => plugin.startSpan({ name: 'child', parent: SpanHandle.INVALID })),
      'startSpan(INVALID parent)',
    );
    if (!isInvalidHandle(child)) fail('a child of INVALID must be INVALID (an unsampled trace stays unsampled)');
    const copy = { traceId: SpanHandle.INVALID.traceId, spanId: SpanHandle.INVALID.spanId };
    const child2 = wellFormed(attempt('startSpan', () => plugin.startSpan({ name: 'c', parent: copy })), 'startSpan');
    if (!isInvalidHandle(child2)) fail('a child of an all-zero parent (not the INVALID object itself) must be INVALID');
  },

  'a remote parent is joined': async ({ make }) => {
    const plugin = await make();
    const remote = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    const child = wellFormed(attempt('startSpan(remote parent)', () => plugin.startSpan({ name: 'server', parent: remote })), 'child');
    if (isInvalidHandle(child)) return;
    if (child.traceId !== remote.traceId) fail(`a child of a remote parent must join trace ${remote.traceId}, got ${child.traceId}`);
    if (child.spanId === remote.spanId) fail("a child of a remote parent reused the parent's span id");
  },

  'recording never throws on garbage': async ({ make }) => {
    const plugin = await make();
    const live = sampled(plugin, 'startSpan', { name: 'target' }) ?? SpanHandle.INVALID;
    hammer(plugin, live);
    for (const handle of FOREIGN_HANDLES) hammer(plugin, handle);
    attempt('endSpan(live, garbage time)', () => plugin.endSpan(live, 'yesterday' as never));
  },

  'startSpan takes any scope, well-formed or not, without throwing': async ({ make, flushTimeoutMillis }) => {
    const plugin = await make();
    for (const [what, scope] of SCOPES) {
      const call = `startSpan({ name, scope: ${what} })`;
      const root = wellFormed(attempt(call, () => plugin.startSpan({ name: 'root', scope: scope as never })), call);
      const childCall = `startSpan({ name, parent, scope: ${what} })`;
      const child = wellFormed(attempt(childCall, () => plugin.startSpan({ name: 'child', parent: root, scope: scope as never })), childCall);
      attempt(`endSpan after ${childCall}`, () => plugin.endSpan(child));
      attempt(`endSpan after ${call}`, () => plugin.endSpan(root));
    }
    // An exporter may meet the scopes only now; a flush may reject, but must settle.
    await settlesWithin(callFlush(plugin), flushTimeoutMillis, 'flush() of spans with scopes');
    const stats = statsOf(plugin);
    const problem = stats && ledgerProblem(stats);
    if (problem) fail(`after spans with scopes: ${problem}`);
  },

  'unknown, foreign and INVALID handles are no-ops': async ({ make }) => {
    const plugin = await make();
    const live = sampled(plugin, 'startSpan', { name: 'kept' });
    const before = statsOf(plugin);
    for (const handle of FOREIGN_HANDLES) {
      const h = handle as SpanHandle;
      attempt('endSpan(foreign)', () => plugin.endSpan(h));
    }
    const after = statsOf(plugin);
    if (before && after && after.spansEnded !== before.spansEnded) {
      fail(`ending foreign handles changed spansEnded from ${before.spansEnded} to ${after.spansEnded}`);
    }
    if (live === undefined) return;
    attempt('endSpan(live)', () => plugin.endSpan(live));
    const ended = statsOf(plugin);
    if (before && ended && ended.spansEnded !== before.spansEnded + 1) fail('ending the live span did not count it');
  },

  'ending twice and recording after end are no-ops': async ({ make }) => {
    const plugin = await make();
    const handle = sampled(plugin, 'startSpan', { name: 'once' }) ?? SpanHandle.INVALID;
    attempt('endSpan', () => plugin.endSpan(handle));
    const before = statsOf(plugin);
    attempt('second endSpan', () => plugin.endSpan(handle));
    attempt('setAttribute after end', () => plugin.setAttribute(handle, 'late', 1));
    attempt('setStatus after end', () => plugin.setStatus(handle, { code: SpanStatusCode.ERROR, message: 'late' }));
    attempt('addEvent after end', () => plugin.addEvent(handle, { name: 'late' }));
    if (typeof plugin.updateName === 'function') attempt('updateName after end', () => plugin.updateName!(handle, 'late'));
    const after = statsOf(plugin);
    if (before && after && after.spansEnded !== before.spansEnded) fail('a second endSpan was counted as another ended span');
  },

  'updateName renames a live span and changes nothing after its end': async ({ make, flushTimeoutMillis, exported }) => {
    const plugin = await make();
    if (typeof plugin.updateName !== 'function') return;
    const rename = (handle: SpanHandle, name: unknown, what: string) => attempt(what, () => plugin.updateName!(handle, name as string));
    const server = sampled(plugin, 'startSpan', { name: 'GET' });
    const other = sampled(plugin, 'startSpan', { name: 'other' });
    if (server === undefined) return;
    rename(server, 'GET /users', 'updateName(live)');
    rename(server, 'GET /users/:id', 'a second updateName(live)');
    for (const bad of [42, undefined, null, { name: 'x' }, ['x']]) rename(server, bad, `updateName(live, ${describe(bad)})`);
    attempt('endSpan', () => plugin.endSpan(server));
    rename(server, 'too late', 'updateName after endSpan');
    if (other !== undefined) attempt('endSpan', () => plugin.endSpan(other));
    // What follows needs the exported spans: without a way to read them, the rule holds as far as calls show.
    if (exported === undefined) return;
    if ((await settlesWithin(callFlush(plugin), flushTimeoutMillis, 'flush()')) === 'rejected') {
      fail('flush() rejected, so the renamed span may not have been exported');
    }
    const spans = await exported(plugin);
    const find = (handle: SpanHandle) => spans.find((span) => span.spanId === handle.spanId);
    const renamed = find(server);
    if (renamed === undefined) fail(`the renamed span ${server.spanId} is not among the ${spans.length} spans exported`);
    if (renamed.name !== 'GET /users/:id') {
      fail(
        `a span started as "GET", renamed to "GET /users" then "GET /users/:id", given names that are not strings, ended, ` +
          `then renamed "too late" was exported as ${JSON.stringify(renamed.name)}; expected "GET /users/:id"`,
      );
    }
    const untouched = other === undefined ? undefined : find(other);
    if (untouched !== undefined && untouched.name !== 'other') fail(`renaming one span renamed another: "other" was exported as ${JSON.stringify(untouched.name)}`);
  },

  // A tracer may record another tracestate than the start's (a sampler adds its threshold), and a
  // fan-out whose children cannot answer answers undefined: for a live span, a string or undefined.
  'traceState answers for a live span only': async ({ make }) => {
    const plugin = await make();
    if (typeof plugin.traceState !== 'function') return;
    const none = (handle: unknown, what: string) => {
      const state = traceStateOf(plugin, handle, what);
      if (state !== undefined) fail(`${what} returned ${JSON.stringify(state)}; expected undefined`);
    };
    const live = sampled(plugin, 'startSpan', { name: 'carrier', traceState: 'a=1,b=2' });
    none(SpanHandle.INVALID, 'traceState(INVALID)');
    FOREIGN_HANDLES.forEach((handle, i) => none(handle, `traceState(FOREIGN_HANDLES[${i}], ${describe(handle)})`));
    if (live === undefined) return;
    traceStateOf(plugin, live, 'traceState(a live span started with a tracestate)');
    const plain = sampled(plugin, 'startSpan', { name: 'plain' });
    if (plain !== undefined) traceStateOf(plugin, plain, 'traceState(a live span started without one)');
    attempt('endSpan', () => plugin.endSpan(live));
    none(live, 'traceState after endSpan');
    none({ traceId: live.traceId, spanId: live.spanId }, 'traceState(a copy of an ended handle)');
    if (plain !== undefined) attempt('endSpan', () => plugin.endSpan(plain));
  },

  'flush returns a promise, never throws synchronously, and settles in time': async ({ make, flushTimeoutMillis }) => {
    const plugin = await make();
    const handle = sampled(plugin, 'startSpan', { name: 'to flush' }) ?? SpanHandle.INVALID;
    attempt('endSpan', () => plugin.endSpan(handle));
    await settlesWithin(callFlush(plugin), flushTimeoutMillis, 'flush()');
    await settlesWithin(callFlush(plugin), flushTimeoutMillis, 'an empty flush()');
  },

  'recording keeps working while a flush is in flight': async ({ make, flushTimeoutMillis }) => {
    const plugin = await make();
    const first = sampled(plugin, 'startSpan', { name: 'before flush' }) ?? SpanHandle.INVALID;
    attempt('endSpan', () => plugin.endSpan(first));
    const flushing = callFlush(plugin);
    const during = sampled(plugin, 'startSpan during flush', { name: 'during flush' }) ?? SpanHandle.INVALID;
    attempt('setAttribute during flush', () => plugin.setAttribute(during, 'k', 'v'));
    attempt('endSpan during flush', () => plugin.endSpan(during));
    await settlesWithin(flushing, flushTimeoutMillis, 'flush()');
    await settlesWithin(callFlush(plugin), flushTimeoutMillis, 'the next flush()');
  },

  'shutdown is idempotent and recording afterwards is a no-op': async ({ make, flushTimeoutMillis }) => {
    const plugin = await make();
    if (typeof plugin.shutdown !== 'function') return;
    const handle = sampled(plugin, 'startSpan', { name: 'last' }) ?? SpanHandle.INVALID;
    attempt('endSpan', () => plugin.endSpan(handle));
    const first = attempt('shutdown()', () => plugin.shutdown!({ timeoutMillis: flushTimeoutMillis }));
    const second = attempt('second shutdown()', () => plugin.shutdown!({ timeoutMillis: flushTimeoutMillis }));
    await settlesWithin(Promise.resolve(first), flushTimeoutMillis * 2, 'shutdown()');
    await settlesWithin(Promise.resolve(second), flushTimeoutMillis * 2, 'a second shutdown()');
    const late = wellFormed(attempt('startSpan after shutdown', () => plugin.startSpan({ name: 'late' })), 'startSpan after shutdown');
    if (!isInvalidHandle(late)) fail('startSpan after shutdown must return INVALID');
    hammer(plugin, late);
    await settlesWithin(callFlush(plugin), flushTimeoutMillis, 'flush() after shutdown');
  },

  'stats balance the ledger': async ({ make, flushTimeoutMillis }) => {
    const plugin = await make();
    if (typeof plugin.stats !== 'function') return;
    const root = sampled(plugin, 'startSpan', { name: 'root' }) ?? SpanHandle.INVALID;
    for (let i = 0; i < 5; i++) {
      const child = attempt('startSpan', () => plugin.startSpan({ name: `child ${i}`, parent: root }));
      attempt('endSpan', () => plugin.endSpan(child));
    }
    const check = (when: string) => {
      const stats = statsOf(plugin)!;
      for (const key of ['spansStarted', 'spansEnded', 'spansLive', 'spansBuffered', 'spansExported'] as const) {
        if (typeof stats[key] !== 'number') fail(`stats().${key} is not a number`);
      }
      const problem = ledgerProblem(stats);
      if (problem) fail(`${when}: ${problem}`);
    };
    check('with a live span');
    const expectedLive = isInvalidHandle(root) ? 0 : 1;
    if (statsOf(plugin)!.spansLive !== expectedLive) {
      fail(`spansLive should be ${expectedLive} with ${expectedLive} span open, got ${statsOf(plugin)!.spansLive}`);
    }
    attempt('endSpan', () => plugin.endSpan(root));
    check('after ending');
    await settlesWithin(callFlush(plugin), flushTimeoutMillis, 'flush()');
    check('after flush');
  },
};

/** The names of every check, in the order they run. */
export const CHECK_NAMES: readonly string[] = Object.keys(CHECKS);

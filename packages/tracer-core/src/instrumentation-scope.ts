import type { TracerCounters } from './tracer-counters.js';
import type { InstrumentationScope } from './tracer-plugin.js';

/**
 * Longest scope name or version taken. A longer one makes the scope malformed (absent) rather than
 * cut: a cut name would name some other library, and exporters group spans by it.
 */
export const MAX_SCOPE_FIELD_LENGTH = 1024;

/** What a span is counted for when it made its scope object: the object itself, before its strings. */
const SCOPE_OBJECT_BYTES = 40;

/**
 * A scope as recorded: frozen, with both keys always present (one shape for every scope), `version`
 * undefined when the caller gave none or ''. Undefined when `value` is malformed: not an object, a
 * name that is not a string, empty or longer than {@link MAX_SCOPE_FIELD_LENGTH}, a version that is
 * not a string or too long, or a getter that throws. Reads each property once. Never throws.
 */
export function normalizeScope(value: object): InstrumentationScope | undefined {
  try {
    const name: unknown = (value as InstrumentationScope).name;
    const version: unknown = (value as InstrumentationScope).version;
    if (typeof name !== 'string' || name === '' || name.length > MAX_SCOPE_FIELD_LENGTH) return undefined;
    if (version !== undefined && (typeof version !== 'string' || version.length > MAX_SCOPE_FIELD_LENGTH)) return undefined;
    return Object.freeze({ name, version: version === '' ? undefined : version });
  } catch {
    return undefined;
  }
}

/**
 * Turns `SpanStart.scope` into the scope a span keeps, at almost no cost per span. Callers pass the
 * same object for every span of a scope (the contract asks them to), so the last input and its result
 * are kept: a repeat costs one comparison. Spans of several libraries interleave (an HTTP server span,
 * its database child), so every other input is remembered too, weakly (a `WeakMap`: an input the
 * caller drops is forgotten with it): each input object is read and validated once, and all spans of
 * it share one frozen scope, which encoders can key their caches on. A malformed scope is absent and
 * counted in `invalidCalls`, once per call. Never throws.
 */
export class ScopeCache {
  readonly #counters: TracerCounters;
  /** Each input seen, and each scope made, to its scope; null for a malformed input. */
  readonly #seen = new WeakMap<object, InstrumentationScope | null>();
  #lastInput: unknown = undefined;
  #last: InstrumentationScope | undefined = undefined;
  /**
   * What the last {@link resolve} added to its span's `byteSize`: the scope's size when that span made
   * it, else 0. A scope shared by many spans is held once however many spans point at it, so it is
   * counted once, on the span that made it, not on every span (which would overstate a buffer by its
   * size times the spans). A caller who passes a fresh object per span makes a scope per span, and
   * each is then counted in full.
   */
  bytesAdded = 0;

  constructor(counters: TracerCounters) {
    this.#counters = counters;
  }

  /** The scope to keep for `value` (`SpanStart.scope`): undefined when absent (undefined, null) or malformed. */
  resolve(value: unknown): InstrumentationScope | undefined {
    this.bytesAdded = 0;
    if (value === this.#lastInput) return this.#last;
    if (value === null) return undefined;
    if (typeof value !== 'object') {
      this.#counters.invalidCalls++;
      return undefined;
    }
    let scope = this.#seen.get(value);
    if (scope === undefined) {
      scope = normalizeScope(value) ?? null;
      this.#seen.set(value, scope);
      if (scope !== null) {
        // A scope passed back in (read from a finished span) is kept as it is.
        this.#seen.set(scope, scope);
        this.bytesAdded = SCOPE_OBJECT_BYTES + 2 * (scope.name.length + (scope.version?.length ?? 0));
      }
    }
    if (scope === null) {
      this.#counters.invalidCalls++;
      return undefined;
    }
    this.#lastInput = value;
    this.#last = scope;
    return scope;
  }
}

import type { InstrumentationScope } from '@x/tracer-core';
import type { RequestHeader } from './request-header.js';

/**
 * One scope as an encoder writes it: `key` says which scopes are the same (name and version, as
 * OpenTelemetry's transformer groups them: two objects with the same name and version are one scope),
 * `encoded` is the scope in the encoder's form (protobuf bytes, JSON text), made once.
 */
export interface EncodedScope<T> {
  readonly key: string;
  readonly encoded: T;
}

/**
 * The encoded form of every scope an encoder meets, made once per scope object and kept weakly (the
 * recorder gives all spans of a scope one frozen object, so this is a lookup per distinct scope, and
 * a scope no span holds any more is forgotten). Spans without a scope get the tracer's configured
 * one (`RequestHeader`). Shared by every request of one encoder.
 */
export class ScopeEncodings<T> {
  readonly #encode: (name: string, version: string) => T;
  readonly #byScope = new WeakMap<InstrumentationScope, EncodedScope<T>>();
  readonly #default: EncodedScope<T>;

  /** `encode` gets the version as '' when there is none. */
  constructor(header: RequestHeader, encode: (name: string, version: string) => T) {
    this.#encode = encode;
    this.#default = this.#make(header.scopeName, header.scopeVersion);
  }

  of(scope: InstrumentationScope | undefined): EncodedScope<T> {
    if (scope === undefined) return this.#default;
    let encoded = this.#byScope.get(scope);
    if (encoded === undefined) {
      encoded = this.#make(scope.name, scope.version ?? '');
      this.#byScope.set(scope, encoded);
    }
    return encoded;
  }

  #make(name: string, version: string): EncodedScope<T> {
    // The name's length first, so that no name and version run together into another pair's key.
    return { key: `${name.length}:${name}${version}`, encoded: this.#encode(name, version) };
  }
}

/**
 * The spans of one request grouped by scope: one group (an OTLP `ScopeSpans`) per distinct scope, in
 * the order each was first seen, which is the order OpenTelemetry's transformer gives them too. Spans
 * of a batch mostly share their neighbour's scope, so a span costs one comparison; a change of scope
 * costs a `WeakMap` and a `Map` lookup. `open` makes a group the first time its scope is seen
 * (`first`: no group was made before it in this request).
 */
export class ScopeGroups<T, G> {
  /** The groups by scope key; iteration order is first-seen order. */
  readonly groups = new Map<string, G>();
  readonly #encodings: ScopeEncodings<T>;
  readonly #open: (scope: EncodedScope<T>, first: boolean) => G;
  /** The scope of the last span placed (null before the first: no span has a null scope). */
  #lastScope: InstrumentationScope | undefined | null = null;
  #last: G | undefined;

  constructor(encodings: ScopeEncodings<T>, open: (scope: EncodedScope<T>, first: boolean) => G) {
    this.#encodings = encodings;
    this.#open = open;
  }

  /** The group of a span with `scope`, made when its scope is new to this request. */
  of(scope: InstrumentationScope | undefined): G {
    if (scope === this.#lastScope) return this.#last!;
    const encoded = this.#encodings.of(scope);
    let group = this.groups.get(encoded.key);
    if (group === undefined) {
      group = this.#open(encoded, this.groups.size === 0);
      this.groups.set(encoded.key, group);
    }
    this.#lastScope = scope;
    this.#last = group;
    return group;
  }
}

/**
 * The seed's local span ids: a monotonic u64 counter that starts at 1, never yields 0 and wraps
 * to 1. They identify a span within this process (`end(id)`, `parent_id` in records); the wire
 * ids (`trace_id`, `wire_span_id`) identify it everywhere else.
 */
export const MAX_LOCAL_ID = 2n ** 64n - 1n;

/** 0 is never issued: it is the id of what was not recorded (tracing disabled). */
export const NOT_RECORDED_ID = 0n;

/**
 * A local id as kept inside: a number while it fits one exactly (below 2^53, which a process
 * reaches after 285 years at a million spans a second), a bigint above. A bigint per span costs an
 * allocation (~30-40 ns of a `withSpan`, measured); the API hands out bigints ({@link toBigInt}).
 */
export type LocalId = number | bigint;

const LAST_NUMBER = Number.MAX_SAFE_INTEGER;

export class LocalIds {
  #next: LocalId;

  /** `first` exists for tests of the wrap; anything outside 1..2^64-1 starts at 1. */
  constructor(first: bigint = 1n) {
    this.#next = first >= 1n && first <= MAX_LOCAL_ID ? keyOf(first) : 1;
  }

  next(): LocalId {
    const id = this.#next;
    if (typeof id === 'number') this.#next = id === LAST_NUMBER ? BigInt(id) + 1n : id + 1;
    else this.#next = id === MAX_LOCAL_ID ? 1 : id + 1n;
    return id;
  }
}

/** The id as the API shows it. */
export function toBigInt(id: LocalId): bigint {
  return typeof id === 'bigint' ? id : BigInt(id);
}

/** The id as kept (and as the key of the live table): a number when it fits one exactly. */
export function keyOf(id: bigint): LocalId {
  return id <= BigInt(LAST_NUMBER) ? Number(id) : id;
}

/**
 * `value` as a local id, or undefined when it is not one: a bigint or a safe integer number
 * (records read back from JSON carry numbers) from 1 to 2^64-1. 0 is returned as 0n: it is the
 * id of what was not recorded, valid to pass back.
 */
export function readLocalId(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value >= 0n && value <= MAX_LOCAL_ID ? value : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}

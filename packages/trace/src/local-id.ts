/**
 * The seed's local span ids: a monotonic u64 counter that starts at 1, never yields 0 and wraps
 * to 1. They identify a span within this process (`end(id)`, `parent_id` in records); the wire
 * ids (`trace_id`, `wire_span_id`) identify it everywhere else.
 */
export const MAX_LOCAL_ID = 2n ** 64n - 1n;

/** 0 is never issued: it is the id of what was not recorded (tracing disabled). */
export const NOT_RECORDED_ID = 0n;

export class LocalIds {
  #next: bigint;

  /** `first` exists for tests of the wrap; anything outside 1..2^64-1 starts at 1. */
  constructor(first: bigint = 1n) {
    this.#next = first >= 1n && first <= MAX_LOCAL_ID ? first : 1n;
  }

  next(): bigint {
    const id = this.#next;
    this.#next = id === MAX_LOCAL_ID ? 1n : id + 1n;
    return id;
  }
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

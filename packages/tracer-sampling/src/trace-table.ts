import type { TraceWords } from '@x/tracer-core/internal';
import type { TraceEntry } from './decision.js';

/** A slot whose entry was deleted: probing goes on past it. */
const REMOVED = Symbol('removed');
type Slot = TraceEntry | typeof REMOVED | undefined;

// Rehashing clears removed slots: a larger table does it less often (every ~500 traces at the least).
const MIN_CAPACITY = 1024;

/**
 * The traces a tail sampler tracks, by trace id as four 32-bit words (see the core's
 * `id-words.ts`), in an open-addressing table (linear probing). Not a `Map`: most traces live for
 * one request, so entries come and go all the time, and a V8 Map used that way rehashes as it
 * shrinks and grows (measured here: 70-270 ns for a set and a delete on a near-empty Map, which
 * was the largest cost of a sampled-out trace); and not hex strings as keys, which a finished span
 * makes anew on every read.
 */
export class TraceTable {
  #slots: Slot[] = new Array<Slot>(MIN_CAPACITY).fill(undefined);
  #mask = MIN_CAPACITY - 1;
  /** Live entries, and live plus removed slots (what probing walks). */
  #size = 0;
  #used = 0;

  get size(): number {
    return this.#size;
  }

  get(t0: number, t1: number, t2: number, t3: number): TraceEntry | undefined {
    const slots = this.#slots;
    const mask = this.#mask;
    for (let i = slotOf(t0, t1, t2, t3) & mask; ; i = (i + 1) & mask) {
      const slot = slots[i];
      if (slot === undefined) return undefined;
      if (slot !== REMOVED && slot.t3 === t3 && slot.t2 === t2 && slot.t1 === t1 && slot.t0 === t0) return slot;
    }
  }

  getWords(words: Readonly<TraceWords>): TraceEntry | undefined {
    return this.get(words.t0, words.t1, words.t2, words.t3);
  }

  /** Adds `entry`; its trace must not be in the table. */
  add(entry: TraceEntry): void {
    if ((this.#used + 1) * 2 > this.#slots.length) this.#rehash();
    const slots = this.#slots;
    const mask = this.#mask;
    let i = slotOf(entry.t0, entry.t1, entry.t2, entry.t3) & mask;
    while (slots[i] !== undefined && slots[i] !== REMOVED) i = (i + 1) & mask;
    if (slots[i] === undefined) this.#used++;
    slots[i] = entry;
    this.#size++;
  }

  delete(entry: TraceEntry): void {
    const slots = this.#slots;
    const mask = this.#mask;
    for (let i = slotOf(entry.t0, entry.t1, entry.t2, entry.t3) & mask; slots[i] !== undefined; i = (i + 1) & mask) {
      if (slots[i] === entry) {
        slots[i] = REMOVED;
        this.#size--;
        return;
      }
    }
  }

  /** A table sized for the live entries (twice as many grow it, a quarter shrink it), without removed slots. */
  #rehash(): void {
    let capacity = this.#slots.length;
    if ((this.#size + 1) * 4 > capacity) capacity *= 2;
    else if (this.#size * 8 < capacity && capacity > MIN_CAPACITY) capacity /= 2;
    const old = this.#slots;
    this.#slots = new Array<Slot>(capacity).fill(undefined);
    this.#mask = capacity - 1;
    this.#size = 0;
    this.#used = 0;
    for (const slot of old) if (slot !== undefined && slot !== REMOVED) this.add(slot);
  }
}

/** A slot index from all four words, mixed: remote trace ids need not be random in any part. */
function slotOf(t0: number, t1: number, t2: number, t3: number): number {
  return Math.imul(t3 ^ Math.imul(t2 ^ Math.imul(t1 ^ Math.imul(t0, 0xc2b2ae35), 0x27d4eb2f), 0x85ebca6b), 0x9e3779b1) >>> 7;
}

import { InvalidOptionError, type TracerPlugin, type TracerStats } from '@x/tracer-core';
import { checkPlugin, type TracerCounters } from '@x/tracer-core/internal';

/** A fan-out takes at most this many children: which children recorded a span is a 31-bit mask. */
export const MAX_CHILDREN = 31;

/**
 * The children of a fan-out, validated, with the unique key each is reported under and the count of
 * contract breaches (throws, garbage results) each committed. Every fan-out strategy holds one.
 */
export class FanoutChildren {
  readonly plugins: readonly TracerPlugin[];
  /** Each child's `name`, made unique (`memory`, `memory#2`): its key in stats and errors. */
  readonly keys: readonly string[];
  readonly #faults: number[];
  readonly #counters: TracerCounters;

  /** @throws InvalidOptionError when `children` is not a list of at most 31 TracerPlugins. */
  constructor(children: unknown, counters: TracerCounters) {
    if (!Array.isArray(children)) throw new InvalidOptionError('children must be an array of TracerPlugins');
    if (children.length > MAX_CHILDREN) {
      throw new InvalidOptionError(`a fan-out takes at most ${MAX_CHILDREN} children, got ${children.length}; nest fan-outs for more`);
    }
    children.forEach((child: unknown, index) => checkPlugin(child, `children[${index}]`));
    this.plugins = [...(children as TracerPlugin[])];
    this.keys = uniqueKeys(this.plugins);
    this.#faults = this.plugins.map(() => 0);
    this.#counters = counters;
  }

  get length(): number {
    return this.plugins.length;
  }

  /** Child `index` broke the contract in `what`: counted, and remembered as the fan-out's last error. */
  fault(index: number, what: string, error?: unknown): void {
    this.#faults[index]!++;
    const detail = error instanceof Error ? `: ${error.message}` : '';
    this.#counters.noteLastError('CHILD_FAULT', `child "${this.keys[index]}" broke the contract in ${what}${detail}`);
  }

  /** Each child's stats under its key (a child whose `stats()` throws is counted as a fault), and the faults. */
  stats(): { children: Record<string, TracerStats>; childFaults: Record<string, number> } {
    const children: Record<string, TracerStats> = {};
    const childFaults: Record<string, number> = {};
    this.plugins.forEach((child, i) => {
      const key = this.keys[i]!;
      if (typeof child.stats === 'function') {
        try {
          children[key] = child.stats();
        } catch (error) {
          this.fault(i, 'stats', error);
        }
      }
      childFaults[key] = this.#faults[i]!;
    });
    return { children, childFaults };
  }
}

function uniqueKeys(children: readonly TracerPlugin[]): string[] {
  const seen = new Map<string, number>();
  return children.map((child) => {
    const base = typeof child.name === 'string' && child.name !== '' ? child.name : 'unnamed';
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}#${count}`;
  });
}

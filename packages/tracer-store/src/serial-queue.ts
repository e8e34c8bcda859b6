/**
 * Runs async work one piece at a time, in the order given: a DuckDB connection runs one statement
 * at a time, and the store's writes must not interleave (each is one transaction). A failure
 * rejects its own caller only; the next piece still runs.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work, work);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Runs async steps one at a time in the order they were asked for, so two requests that read
 * and then write the same state (two clicks, two operators) cannot interleave. A failed step
 * rejects its own caller only; the next step still runs.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(step: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(step);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every step asked for so far has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}

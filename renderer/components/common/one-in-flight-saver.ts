export interface SaverEvents<R> {
  /** Something is waiting or on its way to disk. */
  saving(): void;
  /**
   * Everything asked for so far is on disk; `saved` is the core's answer to the last request.
   * Not called when a request failed since the queue was last empty, so the failure stays shown.
   */
  settled(saved: R): void;
  /** One request failed; what it carried is not saved. The queue goes on with later changes. */
  failed(error: Error): void;
}

/**
 * Sends every change at once, with one request in flight: changes made meanwhile wait and merge
 * per key (a call's annotation, a review's check), newest value winning, and go out as soon as the
 * request before them returns. A note is thus saved keystroke by keystroke (nothing typed waits
 * on a pause or on leaving the field, so killing the app loses at most one round trip), without
 * one fsync'd request per key piling up behind a slow disk.
 */
export class OneInFlightSaver<Q extends object, R> {
  private readonly waiting = new Map<string, Q>();
  private inFlight = false;
  private failedSinceIdle = false;

  constructor(
    private readonly keyOf: (request: Q) => string,
    private readonly send: (request: Q) => Promise<R>,
    private readonly events: SaverEvents<R>,
  ) {}

  /** True while a change is waiting or on its way. */
  get busy(): boolean {
    return this.inFlight || this.waiting.size > 0;
  }

  save(request: Q): void {
    const key = this.keyOf(request);
    // Re-inserted so the merged change keeps its place behind changes to other keys made before it.
    const earlier = this.waiting.get(key);
    this.waiting.delete(key);
    this.waiting.set(key, { ...earlier, ...request });
    this.events.saving();
    this.next();
  }

  private next(): void {
    if (this.inFlight) return;
    const first = this.waiting.entries().next();
    if (first.done) return;
    const [key, request] = first.value;
    this.waiting.delete(key);
    this.inFlight = true;
    this.send(request).then(
      (saved) => {
        this.inFlight = false;
        if (this.waiting.size === 0) {
          if (!this.failedSinceIdle) this.events.settled(saved);
          this.failedSinceIdle = false;
        }
        this.next();
      },
      (e: unknown) => {
        this.inFlight = false;
        this.failedSinceIdle = this.waiting.size > 0;
        this.events.failed(e instanceof Error ? e : new Error(String(e)));
        this.next();
      },
    );
  }
}

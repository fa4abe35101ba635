/**
 * Replies to requests already applied, by Idempotency-Key, least recently used dropped first,
 * so a retried action applies once however often it is sent.
 */

export interface StoredReply {
  /** canonicalJson of the request the key was first used with. */
  fingerprint: string;
  status: number;
  body: unknown;
}

export class IdempotencyCache {
  private readonly replies = new Map<string, StoredReply>();

  constructor(readonly capacity: number) {}

  get(key: string): StoredReply | undefined {
    const reply = this.replies.get(key);
    if (reply) {
      // Map keeps insertion order: re-inserting marks the key as recently used.
      this.replies.delete(key);
      this.replies.set(key, reply);
    }
    return reply;
  }

  set(key: string, reply: StoredReply): void {
    this.replies.delete(key);
    this.replies.set(key, reply);
    if (this.replies.size > this.capacity) {
      const oldest = this.replies.keys().next();
      if (!oldest.done) this.replies.delete(oldest.value);
    }
  }

  get size(): number {
    return this.replies.size;
  }
}

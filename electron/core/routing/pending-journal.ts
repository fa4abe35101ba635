import { z } from 'zod';
import { ActionIntentSchema, type ActionIntent } from '../../../shared/actions.js';
import { describeZodError } from '../../../shared/protocol.js';
import { Serial } from '../lib/serial.js';
import type { JsonDocument } from '../storage/ports.js';

const JournalSchema = z.object({ pending: z.array(ActionIntentSchema) });

/**
 * Actions confirmed but not yet settled and audited, rewritten whole on each change: it holds a
 * handful of intents at most, and a crash leaves either the old or the new list.
 */
export class PendingActionsJournal {
  private readonly serial = new Serial();

  private constructor(
    private readonly doc: JsonDocument,
    private pending: ActionIntent[],
  ) {}

  static async open(doc: JsonDocument): Promise<PendingActionsJournal> {
    const read = await doc.read();
    if (read.kind === 'none') return new PendingActionsJournal(doc, []);
    if (read.kind === 'unreadable') throw new Error(`${doc.location} is not valid JSON: ${read.why}`);
    const parsed = JournalSchema.safeParse(read.value);
    if (!parsed.success) throw new Error(`${doc.location} is invalid: ${describeZodError(parsed.error)}`);
    return new PendingActionsJournal(doc, parsed.data.pending);
  }

  get location(): string {
    return this.doc.location;
  }

  list(): ActionIntent[] {
    return [...this.pending];
  }

  /** Adds the intent, or replaces the one with the same id; durable when it resolves. */
  put(intent: ActionIntent): Promise<void> {
    return this.serial.run(async () => {
      const i = this.pending.findIndex((p) => p.id === intent.id);
      const next = i < 0 ? [...this.pending, intent] : this.pending.map((p, j) => (j === i ? intent : p));
      await this.doc.write({ pending: next });
      this.pending = next;
    });
  }

  remove(id: string): Promise<void> {
    return this.serial.run(async () => {
      const next = this.pending.filter((p) => p.id !== id);
      if (next.length === this.pending.length) return;
      await this.doc.write({ pending: next });
      this.pending = next;
    });
  }
}

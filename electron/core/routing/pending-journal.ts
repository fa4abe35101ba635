import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ActionIntentSchema, type ActionIntent } from '../../../shared/actions.js';
import { describeZodError } from '../../../shared/protocol.js';
import { writeFileAtomic } from '../storage/atomic-file.js';

const JournalSchema = z.object({ pending: z.array(ActionIntentSchema) });

/**
 * Actions confirmed but not yet settled, rewritten whole (write-then-rename) on each change:
 * it holds a handful of intents at most, and a crash leaves either the old or the new list.
 */
export class PendingActionsJournal {
  readonly path: string;
  private pending: ActionIntent[];

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, 'pending-actions.json');
    this.pending = this.load();
  }

  list(): ActionIntent[] {
    return [...this.pending];
  }

  /** Adds the intent, or replaces the one with the same id. */
  put(intent: ActionIntent): void {
    const i = this.pending.findIndex((p) => p.id === intent.id);
    this.pending = i < 0 ? [...this.pending, intent] : this.pending.map((p, j) => (j === i ? intent : p));
    this.save();
  }

  remove(id: string): void {
    const next = this.pending.filter((p) => p.id !== id);
    if (next.length === this.pending.length) return;
    this.pending = next;
    this.save();
  }

  private load(): ActionIntent[] {
    if (!existsSync(this.path)) return [];
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (e) {
      throw new Error(`${this.path} is not valid JSON: ${(e as Error).message}`);
    }
    const parsed = JournalSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${this.path} is invalid: ${describeZodError(parsed.error)}`);
    return parsed.data.pending;
  }

  private save(): void {
    writeFileAtomic(this.path, `${JSON.stringify({ pending: this.pending }, null, 2)}\n`);
  }
}

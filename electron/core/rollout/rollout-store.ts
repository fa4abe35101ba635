import { z } from 'zod';
import type { Rehearsal } from '../../../shared/rollout.js';
import { Serial } from '../lib/serial.js';
import type { JsonDocument, RecordLog } from '../storage/ports.js';
import { initialLadder, type LadderState } from './ladder.js';

/** The ladder's state as one document rewritten whole, and each rehearsal as records appended. */

const LadderDocSchema = z.object({
  version: z.literal(1),
  ladder: z.looseObject({ spans: z.array(z.looseObject({ stage: z.number().int(), from: z.number() })), heldMs: z.number() }),
});

export class LadderStore {
  private readonly serial = new Serial();

  private constructor(
    private readonly doc: JsonDocument,
    readonly loaded: LadderState,
    readonly problem: string | null,
  ) {}

  static async open(doc: JsonDocument): Promise<LadderStore> {
    const read = await doc.read();
    if (read.kind === 'none') return new LadderStore(doc, initialLadder(), null);
    const parsed = read.kind === 'stored' ? LadderDocSchema.safeParse(read.value) : null;
    if (parsed?.success) return new LadderStore(doc, { ...initialLadder(), ...(parsed.data.ladder as unknown as LadderState) }, null);
    const aside = await doc.setAside('unreadable');
    return new LadderStore(doc, initialLadder(), `The ladder's saved state could not be read and was kept at ${aside}; the ladder starts again from the provider's share`);
  }

  /** Writes a copy of the state as it is now; writes run one at a time, in order. */
  save(state: LadderState): Promise<void> {
    const copy = JSON.parse(JSON.stringify(state)) as LadderState;
    return this.serial.run(() => this.doc.write({ version: 1, ladder: copy }));
  }

  idle(): Promise<void> {
    return this.serial.idle();
  }
}

/** Rehearsals kept in memory for the screen and the rollback gate; the log keeps every one. */
const REHEARSALS_SHOWN = 20;

export class RehearsalStore {
  private readonly byId = new Map<string, Rehearsal>();
  private readonly serial = new Serial();

  private constructor(private readonly log: RecordLog) {}

  static async open(log: RecordLog): Promise<RehearsalStore> {
    const store = new RehearsalStore(log);
    await log.scan((r) => {
      if ('damage' in r) return;
      const v = r.value as { rehearsal?: Rehearsal };
      if (v.rehearsal && typeof v.rehearsal.id === 'string') store.remember(v.rehearsal);
    });
    return store;
  }

  save(r: Rehearsal): Promise<void> {
    return this.serial.run(async () => {
      await this.log.append({ rehearsal: r });
      this.remember(r);
    });
  }

  /** Newest first. */
  recent(): Rehearsal[] {
    return [...this.byId.values()].sort((a, b) => b.startedAt - a.startedAt);
  }

  close(): Promise<void> {
    return this.serial.idle().then(() => this.log.close());
  }

  private remember(r: Rehearsal): void {
    this.byId.delete(r.id);
    this.byId.set(r.id, r);
    while (this.byId.size > REHEARSALS_SHOWN) {
      const oldest = [...this.byId.values()].reduce((a, b) => (a.startedAt <= b.startedAt ? a : b));
      this.byId.delete(oldest.id);
    }
  }
}

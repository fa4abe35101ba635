import { z } from 'zod';
import { GATE_IDS, type GateId } from '../../../shared/gate-defaults.js';
import { GateEvidenceInputSchema, type GateMode, type GateRow, type LaunchDecision } from '../../../shared/gates.js';
import { describeZodError } from '../../../shared/protocol.js';
import { Serial } from '../lib/serial.js';
import type { RecordLog } from '../storage/ports.js';
import { emptyRecord, type GateRecord } from './gate-logic.js';

/**
 * Every change to the gate table as one record appended with fsync: owners, ticks, evidence
 * (a file's name and digest, never the file), results, risk acceptances, the gate mode and each
 * decision with the table frozen in it. The table is the replay of the records.
 */

const Gate = z.enum(GATE_IDS);
const Ms = z.number().finite();

const RecordSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('owner'), gate: Gate, name: z.string().min(1), by: z.string(), at: Ms }),
  z.object({ t: z.literal('item'), gate: Gate, index: z.number().int().nonnegative(), done: z.boolean(), by: z.string(), at: Ms }),
  z.object({ t: z.literal('evidence'), gate: Gate, evidence: GateEvidenceInputSchema, by: z.string(), at: Ms }),
  z.object({ t: z.literal('result'), gate: Gate, result: z.enum(['pass', 'fail']).nullable(), note: z.string(), by: z.string(), at: Ms }),
  z.object({ t: z.literal('risk'), gate: Gate, why: z.string().nullable(), by: z.string(), at: Ms }),
  z.object({ t: z.literal('mode'), mode: z.enum(['all', 'minimum']), reason: z.string().nullable(), by: z.string(), at: Ms }),
  z.object({ t: z.literal('decision'), decision: z.custom<LaunchDecision>((v) => typeof v === 'object' && v !== null) }),
]);
export type GateChange = z.infer<typeof RecordSchema>;

export class GatesStore {
  readonly records = new Map<GateId, GateRecord>(GATE_IDS.map((g) => [g, emptyRecord()]));
  mode: GateMode = { mode: 'all', reason: null, by: null, at: null };
  lastDecision: LaunchDecision | null = null;
  private readonly serial = new Serial();

  private constructor(
    private readonly log: RecordLog,
    readonly problems: string[],
  ) {}

  static async open(log: RecordLog): Promise<GatesStore> {
    const store = new GatesStore(log, []);
    await log.scan((r) => {
      if ('damage' in r) {
        store.problems.push(`${r.position}: ${r.damage}`);
        return;
      }
      const parsed = RecordSchema.safeParse(r.value);
      if (!parsed.success) store.problems.push(`${r.position}: ${describeZodError(parsed.error)}`);
      else store.apply(parsed.data);
    });
    return store;
  }

  /** Written first, applied after: memory never shows what storage did not keep. */
  change(record: GateChange): Promise<void> {
    return this.serial.run(async () => {
      await this.log.append(record);
      this.apply(record);
    });
  }

  /**
   * A decision made against the table as it stands once every earlier change is applied; `make`
   * freezes it into the audit log, and it is kept here only once the audit entry is written.
   */
  decide(make: () => Promise<LaunchDecision>): Promise<LaunchDecision> {
    return this.serial.run(async () => {
      const decision = await make();
      const record: GateChange = { t: 'decision', decision };
      await this.log.append(record);
      this.apply(record);
      return decision;
    });
  }

  close(): Promise<void> {
    return this.serial.idle().then(() => this.log.close());
  }

  private apply(c: GateChange): void {
    if (c.t === 'mode') {
      this.mode = { mode: c.mode, reason: c.reason, by: c.by, at: c.at };
      return;
    }
    if (c.t === 'decision') {
      this.lastDecision = c.decision;
      return;
    }
    const rec = this.records.get(c.gate) ?? emptyRecord();
    this.records.set(c.gate, rec);
    switch (c.t) {
      case 'owner':
        rec.owner = c.name;
        break;
      case 'item':
        if (c.done) rec.ticked.set(c.index, c.by);
        else rec.ticked.delete(c.index);
        break;
      case 'evidence':
        rec.evidence.push({ ...c.evidence, addedBy: c.by, addedAt: c.at });
        break;
      case 'result':
        rec.result = c.result === null ? null : { result: c.result, by: c.by, at: c.at, note: c.note };
        break;
      case 'risk':
        rec.risk = c.why === null ? null : { by: c.by, why: c.why, at: c.at };
        break;
    }
  }
}

/** The frozen table, as JSON-safe data for the audit log and the export. */
export function frozenRows(rows: readonly GateRow[]): GateRow[] {
  return JSON.parse(JSON.stringify(rows)) as GateRow[];
}

import { z } from 'zod';
import { describeZodError } from '../../../shared/protocol.js';
import { Serial } from '../lib/serial.js';
import { readRecords, type LoadProblem } from '../storage/read-records.js';
import type { RecordLog } from '../storage/ports.js';
import type { HistoryRecord, KpiHistory } from './kpi-history.js';

const Count = z.number().int().nonnegative();
const ScopeDeltaSchema = z.object({ c: z.array(Count), t: z.array(Count).optional(), f: z.array(Count).optional() });
const HistoryRecordSchema = z
  .object({
    m: z.number().int().optional(),
    q: z.number().int().optional(),
    o: Count.optional(),
    g: Count.optional(),
    s: z.record(z.string().min(1), ScopeDeltaSchema).optional(),
  })
  .refine((r) => (r.m === undefined) !== (r.q === undefined), 'a record names either a minute (m) or a quarter hour (q)');

/** One stored record of the KPI history, checked; the report reads the log with it too. */
export function parseHistoryRecord(value: unknown): HistoryRecord {
  const parsed = HistoryRecordSchema.safeParse(value);
  if (!parsed.success) throw new Error(describeZodError(parsed.error));
  return parsed.data;
}

/**
 * Keeps the KPI history across restarts on a RecordLog: every closed minute is appended once the
 * stream moves past it, so a crash loses at most the minute still open. On opening, a log that
 * holds minutes the history has since folded into quarter hours is rewritten whole, so the log
 * stays near the size of the history itself rather than growing with the launch.
 */
export class KpiHistoryStore {
  readonly #serial = new Serial();

  static async open(log: RecordLog, history: KpiHistory): Promise<KpiHistoryStore> {
    const { records, problems } = await readRecords(log, parseHistoryRecord);
    for (const record of records) history.load(record);
    const store = new KpiHistoryStore(log, history, problems);
    if (history.rolledUp || problems.length > 0) await log.replace(history.records());
    return store;
  }

  private constructor(
    private readonly log: RecordLog,
    private readonly history: KpiHistory,
    /** Records that could not be read back (a line torn by a crash); the rest loaded. */
    readonly loadProblems: readonly LoadProblem[],
  ) {}

  /** Appends the minutes that closed since the last call; a failure goes to `failed`, the figures stay in memory. */
  flush(failed: (error: unknown) => void): void {
    const records = this.history.takeClosed();
    if (records.length === 0) return;
    this.#serial.run(async () => {
      for (const record of records) await this.log.append(record);
    }).catch(failed);
  }

  /** Writes everything still held, the open minute too, and closes the log. */
  async close(): Promise<void> {
    const records = this.history.takeAll();
    await this.#serial.run(async () => {
      for (const record of records) await this.log.append(record);
    });
    await this.#serial.idle();
    await this.log.close();
  }
}

import { z } from 'zod';
import { CallRecordSchema, describeZodError, type CallRecord } from '../../../shared/protocol.js';
import { HOUR_MS, hasFailureSignal } from '../../../shared/sampling.js';
import { Serial } from '../lib/serial.js';
import type { RecordLog } from '../storage/ports.js';
import { readRecords, type LoadProblem } from '../storage/read-records.js';
import type { HourCell } from './hourly-traffic.js';
import { createPrng, type Prng, type PrngState } from './prng.js';
import { CallSampler, type CallSamplerOptions, type KeptEntry, type OfferResult, type Placement } from './reservoir.js';

/**
 * The sampler's calls, surviving a restart. The file is a log of two kinds of line:
 * - keep: a call that took reservoir slots, with the intent's call count, the failure count and the
 *   PRNG state right after it; written and fsync'd the moment the call is kept.
 * - tally: the hourly traffic added since the previous tally, the per-intent counts and the PRNG
 *   state; written every `tallyEveryCalls` calls or `tallyEveryMs`, and on flush/close.
 * Replaying the lines in order rebuilds the reservoirs slot for slot. When the log passes
 * `compactFactor` x the sampler's capacity lines it is replaced (write-then-rename) by a snapshot
 * in the same format: one full tally, then one keep line per held call.
 *
 * After a clean close, loading gives exactly the state at close, PRNG included, so the sampler
 * goes on as if it had never stopped. After a crash it gives the state at the last line: every
 * kept call is there, while the traffic counts and the calls passed over since the last tally
 * are lost (at most `tallyEveryCalls` calls or `tallyEveryMs` of traffic).
 */

export interface KeptCallsStoreOptions extends Omit<CallSamplerOptions, 'rng'> {
  log: RecordLog;
  /** Seeds the PRNG of a new store; a store read back continues its saved PRNG state. */
  seed: number;
  clock?: () => number;
  tallyEveryCalls?: number;
  tallyEveryMs?: number;
  compactFactor?: number;
}


const u32 = z.number().int().min(0).max(0xffff_ffff);
const count = z.number().int().nonnegative();
const PrngStateSchema = z.tuple([u32, u32, u32, u32]);
const PlacementSchema = z.object({ pool: z.enum(['intent', 'failures']), index: count });

const KeepLineSchema = z.object({
  t: z.literal('keep'),
  intent: z.string().min(1),
  call: CallRecordSchema,
  at: z.array(PlacementSchema).min(1),
  n: count.optional(),
  nf: count.optional(),
  rng: PrngStateSchema.optional(),
});
const TallyLineSchema = z.object({
  t: z.literal('tally'),
  cells: z.array(z.tuple([z.string().min(1), count, count, count])),
  seen: z.array(z.tuple([z.string().min(1), count])),
  nf: count,
  rng: PrngStateSchema,
});
const LineSchema = z.discriminatedUnion('t', [KeepLineSchema, TallyLineSchema]);
type Line = z.infer<typeof LineSchema>;
type KeepLine = z.infer<typeof KeepLineSchema>;
type TallyLine = z.infer<typeof TallyLineSchema>;

function parseLine(value: unknown): Line {
  const parsed = LineSchema.safeParse(value);
  if (!parsed.success) throw new Error(describeZodError(parsed.error));
  return parsed.data;
}

export class KeptCallsStore {
  readonly sampler: CallSampler;
  /** Lines skipped while loading: a torn last line after a crash, or damage. */
  readonly problems: readonly LoadProblem[];
  private readonly log: RecordLog;
  /** Writes in the order the calls were counted, so the log replays to the same reservoirs. */
  private readonly writes = new Serial();
  private lastWriteProblem: string | null = null;
  private readonly rng: Prng;
  private readonly clock: () => number;
  private readonly tallyEveryCalls: number;
  private readonly tallyEveryMs: number;
  private readonly compactFactor: number;
  private readonly pendingCells = new Map<string, HourCell>();
  private readonly dirtyIntents = new Set<string>();
  private untallied = 0;
  private lastTallyAt: number;
  private lines: number;

  private constructor(options: KeptCallsStoreOptions, lines: Line[], problems: LoadProblem[]) {
    this.log = options.log;
    this.clock = options.clock ?? Date.now;
    this.tallyEveryCalls = options.tallyEveryCalls ?? 500;
    this.tallyEveryMs = options.tallyEveryMs ?? 15_000;
    this.compactFactor = options.compactFactor ?? 4;
    this.rng = createPrng(lastRngState(lines) ?? options.seed);
    const { perIntent, maxIntents, failureCap, hours } = options;
    this.sampler = new CallSampler({ rng: this.rng, perIntent, maxIntents, failureCap, hours });
    this.problems = problems;
    this.lines = lines.length + problems.length;
    this.lastTallyAt = this.clock();
    replay(this.sampler, lines);
  }

  /** Loads the store from its log (an empty log is an empty store). */
  static async open(options: KeptCallsStoreOptions): Promise<KeptCallsStore> {
    const { records, problems } = await readRecords(options.log, parseLine);
    return new KeptCallsStore(options, records, problems);
  }

  /**
   * Why the last write failed, until a later one succeeds: calls counted meanwhile may be
   * missing after a restart.
   */
  get writeProblem(): string | null {
    return this.lastWriteProblem;
  }

  /** Resolves once every line asked for so far is written (or has failed, see `writeProblem`). */
  written(): Promise<void> {
    return this.writes.idle();
  }

  /**
   * Counts a finished call and keeps it if the reservoirs take it. Memory changes at once; the
   * line is written in turn (see `written`), so the stream never waits on the disk.
   */
  offer(call: CallRecord, endedAtMs = Date.parse(call.endedAt)): OfferResult {
    const result = this.sampler.offer(call, endedAtMs);
    const { entry, placements } = result;
    this.noteTraffic(entry, result.counted);
    if (placements.length > 0) {
      const line: KeepLine = {
        t: 'keep',
        intent: entry.intent,
        call,
        at: [...placements],
        n: this.sampler.seenOf(entry.intent),
        rng: this.rng.state(),
      };
      if (entry.failure) line.nf = this.sampler.failuresSeen;
      this.append(line);
    }
    if (this.untallied >= this.tallyEveryCalls || this.clock() - this.lastTallyAt >= this.tallyEveryMs) this.flush();
    if (this.lines > this.compactFactor * this.sampler.capacity) this.compact();
    return result;
  }

  /** Writes a tally of the traffic counted since the last one, if there is any. */
  flush(): void {
    if (this.untallied === 0) return;
    const seen = this.sampler.seenByIntent().filter(([intent]) => this.dirtyIntents.has(intent));
    this.append(this.tallyLine([...this.pendingCells.values()], seen));
    this.startTally();
  }

  /** Replaces the log with a snapshot of what is held now, after the lines already asked for. */
  compact(): void {
    const snapshot = [this.tallyLine(this.sampler.traffic.cells(), this.sampler.seenByIntent()), ...this.keepLines()];
    this.lines = snapshot.length;
    this.startTally();
    this.write(() => this.log.replace(snapshot));
  }

  async close(): Promise<void> {
    this.flush();
    await this.writes.idle();
    await this.log.close();
  }

  /** Lines in the log now (the compaction trigger). */
  get logLines(): number {
    return this.lines;
  }

  private noteTraffic(entry: KeptEntry, counted: boolean): void {
    this.untallied += 1;
    this.dirtyIntents.add(entry.intent);
    // An hour that had left the ring was not counted, so it must not be replayed either.
    if (!counted) return;
    const hour = Math.floor(entry.endedAtMs / HOUR_MS);
    const key = `${entry.intent}\u0000${hour}`;
    const cell = this.pendingCells.get(key) ?? [entry.intent, hour, 0, 0];
    cell[2] += 1;
    if (entry.failure) cell[3] += 1;
    this.pendingCells.set(key, cell);
  }

  private tallyLine(cells: HourCell[], seen: [string, number][]): TallyLine {
    return { t: 'tally', cells, seen, nf: this.sampler.failuresSeen, rng: this.rng.state() };
  }

  /** Called once a tally is on disk: counting starts again from zero. */
  private startTally(): void {
    this.pendingCells.clear();
    this.dirtyIntents.clear();
    this.untallied = 0;
    this.lastTallyAt = this.clock();
  }

  private keepLines(): KeepLine[] {
    const placements = new Map<KeptEntry, Placement[]>();
    const place = (e: KeptEntry, p: Placement): void => {
      const list = placements.get(e);
      if (list) list.push(p);
      else placements.set(e, [p]);
    };
    for (const { items } of this.sampler.slots()) items.forEach((e, index) => place(e, { pool: 'intent', index }));
    this.sampler.failureSlots().forEach((e, index) => place(e, { pool: 'failures', index }));
    return [...placements].map(([e, at]) => ({ t: 'keep', intent: e.intent, call: e.call, at }));
  }

  private append(line: Line): void {
    this.lines += 1;
    this.write(() => this.log.append(line));
  }

  private write(step: () => Promise<void>): void {
    void this.writes.run(step).then(
      () => {
        this.lastWriteProblem = null;
      },
      (e: unknown) => {
        this.lastWriteProblem = e instanceof Error ? e.message : String(e);
      },
    );
  }
}

function lastRngState(lines: Line[]): PrngState | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const rng = lines[i]?.rng;
    if (rng) return rng;
  }
  return undefined;
}

/**
 * Rebuilds the sampler from the log. Slots are collected first and handed over at the end, so the
 * order of lines within a snapshot does not matter; a slot left empty by a damaged line closes up.
 */
function replay(sampler: CallSampler, lines: Line[]): void {
  const intents = new Map<string, { items: KeptEntry[]; seen: number }>();
  const intentOf = (name: string): { items: KeptEntry[]; seen: number } => {
    let s = intents.get(name);
    if (!s) {
      s = { items: [], seen: 0 };
      intents.set(name, s);
    }
    return s;
  };
  const failures: KeptEntry[] = [];
  let failuresSeen = 0;
  for (const line of lines) {
    if (line.t === 'tally') {
      for (const [intent, hour, traffic, fails] of line.cells) {
        intentOf(intent);
        sampler.traffic.addAtHour(intent, hour, traffic, fails);
      }
      for (const [intent, seen] of line.seen) intentOf(intent).seen = seen;
      failuresSeen = line.nf;
      continue;
    }
    const stratum = intentOf(line.intent);
    const entry: KeptEntry = {
      call: line.call,
      intent: line.intent,
      endedAtMs: Date.parse(line.call.endedAt),
      failure: hasFailureSignal(line.call),
    };
    for (const p of line.at) (p.pool === 'intent' ? stratum.items : failures)[p.index] = entry;
    if (line.n !== undefined) stratum.seen = line.n;
    if (line.nf !== undefined) failuresSeen = line.nf;
  }
  for (const [intent, s] of intents) sampler.restoreIntent(intent, s.items.filter(Boolean), s.seen);
  sampler.restoreFailures(failures.filter(Boolean), failuresSeen);
}

import { z } from 'zod';
import { CallRecordSchema, describeZodError, type CallRecord } from '../../../shared/protocol.js';
import { HOUR_MS, hasFailureSignal } from '../../../shared/sampling.js';
import { Serial } from '../lib/serial.js';
import type { RecordLog } from '../storage/ports.js';
import { readRecords, type LoadProblem } from '../storage/read-records.js';
import type { HourCell } from './hourly-traffic.js';
import { protectCall, type ProtectedCall } from './mask-call.js';
import { SealedSchema, keepNoOriginals, type PiiProtection } from './pii-vault.js';
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
 * A kept call is stored masked (`m` items masked), with its original encrypted beside it (`o`)
 * when the console keeps originals, until the retention passes. A log written before masking at
 * rest is masked on loading and rewritten at once.
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
  /** How originals are kept; by default none are, and the retention never passes. */
  pii?: PiiProtection;
}

/** How often the retention of originals is checked. */
const RETENTION_CHECK_MS = 3_600_000;


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
  /** Items masked in `call`; absent on lines written before calls were masked at rest. */
  m: count.optional(),
  o: SealedSchema.optional(),
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
  private readonly pii: PiiProtection;
  private lastRetentionCheck = Number.NEGATIVE_INFINITY;

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
    this.pii = options.pii ?? { vault: keepNoOriginals('this console keeps no unmasked originals'), retentionMs: Number.POSITIVE_INFINITY };
    const unmasked = replay(this.sampler, lines, (call) => protectCall(call, this.pii.vault, this.clock()));
    if (unmasked > 0) this.compact();
    this.dropExpiredOriginals();
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
      keepProtected(entry, protectCall(call, this.pii.vault, this.clock()));
      const line: KeepLine = {
        t: 'keep',
        intent: entry.intent,
        call: entry.call,
        at: [...placements],
        n: this.sampler.seenOf(entry.intent),
        rng: this.rng.state(),
        m: entry.maskedItems ?? 0,
        ...(entry.original ? { o: entry.original } : {}),
      };
      if (entry.failure) line.nf = this.sampler.failuresSeen;
      this.append(line);
    }
    if (this.untallied >= this.tallyEveryCalls || this.clock() - this.lastTallyAt >= this.tallyEveryMs) this.flush();
    if (this.lines > this.compactFactor * this.sampler.capacity) this.compact();
    this.dropExpiredOriginals();
    return result;
  }

  /**
   * Forgets the originals sealed longer ago than the retention and rewrites the log
   * without them; checked at most once an hour. True when any was forgotten.
   */
  dropExpiredOriginals(now = this.clock()): boolean {
    if (now - this.lastRetentionCheck < RETENTION_CHECK_MS) return false;
    this.lastRetentionCheck = now;
    const before = now - this.pii.retentionMs;
    let dropped = 0;
    const visit = (e: KeptEntry): void => {
      if (e.original && e.original.at < before) {
        delete e.original;
        dropped += 1;
      }
    };
    for (const { items } of this.sampler.slots()) items.forEach(visit);
    this.sampler.failureSlots().forEach(visit);
    if (dropped > 0) this.compact();
    return dropped > 0;
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
    return [...placements].map(([e, at]) => ({
      t: 'keep',
      intent: e.intent,
      call: e.call,
      at,
      m: e.maskedItems ?? 0,
      ...(e.original ? { o: e.original } : {}),
    }));
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

function keepProtected(entry: KeptEntry, p: ProtectedCall): void {
  entry.call = p.call;
  entry.maskedItems = p.found;
  if (p.original) entry.original = p.original;
}

/**
 * Rebuilds the sampler from the log. Slots are collected first and handed over at the end, so the
 * order of lines within a snapshot does not matter; a slot left empty by a damaged line closes up.
 * Returns how many calls were stored unmasked (and are masked now).
 */
function replay(sampler: CallSampler, lines: Line[], protect: (call: CallRecord) => ProtectedCall): number {
  let unmasked = 0;
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
      maskedItems: line.m,
      ...(line.o ? { original: line.o } : {}),
    };
    if (line.m === undefined) {
      keepProtected(entry, protect(line.call));
      unmasked += 1;
    }
    for (const p of line.at) (p.pool === 'intent' ? stratum.items : failures)[p.index] = entry;
    if (line.n !== undefined) stratum.seen = line.n;
    if (line.nf !== undefined) failuresSeen = line.nf;
  }
  for (const [intent, s] of intents) sampler.restoreIntent(intent, s.items.filter(Boolean), s.seen);
  sampler.restoreFailures(failures.filter(Boolean), failuresSeen);
  return unmasked;
}

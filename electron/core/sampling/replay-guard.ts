import { z } from 'zod';
import type { JsonDocument } from '../storage/ports.js';

/**
 * Keeps a restarted console from counting a call twice. The stream replays its buffer to a
 * console that starts afresh (the in-memory metrics rebuild from it), but the sampler's counts
 * and kept calls are on disk, so calls counted before the restart must be passed over. Calls
 * arrive in the order they end, so the latest end time counted in the launch is enough to tell
 * them apart: it is saved (write-then-rename) at most `saveEveryMs` after it moves, and on close.
 * After a crash the calls of those last seconds may be counted again; a call arriving out of order
 * after a restart, older than the saved mark, is passed over. A mark of another launch (the
 * stream's launch id changed) holds nothing back.
 */

const MarkSchema = z.object({ launchId: z.string().nullable(), lastEndedAtMs: z.number().int().nonnegative() });
type Mark = z.infer<typeof MarkSchema>;

export interface ReplayGuardOptions {
  doc: JsonDocument;
  clock: () => number;
  saveEveryMs?: number;
}

export class ReplayGuard {
  /** What had been counted when this start read the mark. */
  readonly countedAtStart: Mark | null;
  /** Why the saved mark could not be read (calls replayed after this start may then count twice). */
  readonly problem: string | null;
  private latest: Mark | null;
  private saved: Mark | null;
  private lastSaveAt: number;
  private readonly saveEveryMs: number;

  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: ReplayGuardOptions,
    read: { mark: Mark | null; problem: string | null },
  ) {
    this.countedAtStart = read.mark;
    this.problem = read.problem;
    this.latest = read.mark;
    this.saved = read.mark;
    this.saveEveryMs = options.saveEveryMs ?? 5000;
    this.lastSaveAt = options.clock();
  }

  static async open(options: ReplayGuardOptions): Promise<ReplayGuard> {
    return new ReplayGuard(options, await readMark(options.doc));
  }

  /** False for a call of this launch the sampler already counted before this start. */
  isNew(launchId: string | null, endedAtMs: number): boolean {
    const start = this.countedAtStart;
    return start === null || start.launchId !== launchId || endedAtMs > start.lastEndedAtMs;
  }

  /** The latest end time counted, before or since this start. */
  get latestEndedAt(): number | null {
    return this.latest?.lastEndedAtMs ?? null;
  }

  counted(launchId: string | null, endedAtMs: number): void {
    const sameLaunch = this.latest !== null && this.latest.launchId === launchId;
    this.latest = { launchId, lastEndedAtMs: sameLaunch ? Math.max(this.latest?.lastEndedAtMs ?? 0, endedAtMs) : endedAtMs };
    if (this.options.clock() - this.lastSaveAt >= this.saveEveryMs) void this.save().catch(() => undefined);
  }

  /** Saves the mark if it moved; saves run one after another, so an older mark never lands last. */
  save(): Promise<void> {
    this.lastSaveAt = this.options.clock();
    const { latest, saved } = this;
    if (latest === null || (saved !== null && latest.launchId === saved.launchId && latest.lastEndedAtMs === saved.lastEndedAtMs)) {
      return this.saving;
    }
    const next = this.saving
      .catch(() => undefined)
      .then(async () => {
        await this.options.doc.write(latest);
        this.saved = latest;
      });
    this.saving = next;
    return next;
  }
}

async function readMark(doc: JsonDocument): Promise<{ mark: Mark | null; problem: string | null }> {
  const read = await doc.read();
  if (read.kind === 'none') return { mark: null, problem: null };
  const unreadable = (why: string) => ({
    mark: null,
    problem: `${doc.location} could not be read (${why}), so calls the stream replays may be counted twice`,
  });
  if (read.kind === 'unreadable') return unreadable(read.why);
  const parsed = MarkSchema.safeParse(read.value);
  return parsed.success ? { mark: parsed.data, problem: null } : unreadable('not a saved mark');
}

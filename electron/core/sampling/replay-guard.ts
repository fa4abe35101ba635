import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../storage/atomic-file.js';

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
  path: string;
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

  constructor(private readonly options: ReplayGuardOptions) {
    const read = readMark(options.path);
    this.countedAtStart = read.mark;
    this.problem = read.problem;
    this.latest = read.mark;
    this.saved = read.mark;
    this.saveEveryMs = options.saveEveryMs ?? 5000;
    this.lastSaveAt = options.clock();
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
    if (this.options.clock() - this.lastSaveAt >= this.saveEveryMs) this.save();
  }

  save(): void {
    this.lastSaveAt = this.options.clock();
    const { latest, saved } = this;
    if (latest === null || (saved !== null && latest.launchId === saved.launchId && latest.lastEndedAtMs === saved.lastEndedAtMs)) return;
    writeFileAtomic(this.options.path, JSON.stringify(latest));
    this.saved = latest;
  }
}

function readMark(path: string): { mark: Mark | null; problem: string | null } {
  if (!existsSync(path)) return { mark: null, problem: null };
  const unreadable = (why: string) => ({
    mark: null,
    problem: `${path} could not be read (${why}), so calls the stream replays may be counted twice`,
  });
  try {
    const parsed = MarkSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? { mark: parsed.data, problem: null } : unreadable('not a saved mark');
  } catch (e) {
    return unreadable((e as Error).message);
  }
}

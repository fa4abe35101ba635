import { z } from 'zod';

/** How often a mark is taken, and how far back the marks reach: the longest window the console shows, and a margin. */
export const MARK_EVERY_MS = 5_000;
const KEEP_MS = 65 * 60_000;
/** The windows a console rebuilds when it takes over a launch: the dashboard's longest. */
export const REBUILD_MS = 60 * 60_000;

const MarkSchema = z.strictObject({ seq: z.number().int().nonnegative(), streamTime: z.number() });
export type ResumeMark = z.infer<typeof MarkSchema>;
export const ResumeMarksSchema = z.strictObject({ version: z.literal(1), marks: z.array(MarkSchema) });

/** Where a console taking over the launch starts its stream, and up to which seq it only rebuilds figures. */
export interface ResumePlan {
  since: number;
  /** Events up to this seq were handled by the console before: they refill the windows and nothing else. */
  rebuildUpTo: number;
}

/**
 * Which seq of the stream came at which stream time, every few seconds over the last hour. A
 * console that takes over the launch (another server, or this one after a restart) asks the
 * stream for the last hour again, so its windows, alert rules and running countdowns see the
 * same figures the one before it saw, instead of starting empty.
 */
export class ResumeMarks {
  private marks: ResumeMark[];
  private lastTakenAt = -Infinity;

  constructor(marks: ResumeMark[] = []) {
    this.marks = [...marks].sort((a, b) => a.seq - b.seq);
  }

  /** Takes a mark if one is due; true when the marks changed (and should be kept). */
  take(seq: number, streamTime: number | null, now: number): boolean {
    if (streamTime === null || seq <= 0 || now - this.lastTakenAt < MARK_EVERY_MS) return false;
    const newest = this.marks.at(-1);
    if (newest && newest.seq === seq) return false;
    this.lastTakenAt = now;
    // Another run of the stream (seqs started again): the old marks say nothing of this one.
    if (newest && seq < newest.seq) this.marks = [];
    this.marks.push({ seq, streamTime });
    const oldest = streamTime - KEEP_MS;
    while ((this.marks[0]?.streamTime ?? Infinity) < oldest) this.marks.shift();
    return true;
  }

  list(): ResumeMark[] {
    return [...this.marks];
  }

  /** Null when there is nothing to resume from: the stream then starts from now. */
  plan(): ResumePlan | null {
    const newest = this.marks.at(-1);
    if (!newest) return null;
    const from = this.marks.find((m) => m.streamTime >= newest.streamTime - REBUILD_MS) ?? newest;
    return { since: Math.max(0, from.seq - 1), rebuildUpTo: newest.seq };
  }
}

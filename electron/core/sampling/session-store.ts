import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { CallRecordSchema, describeZodError, type CallRecord } from '../../../shared/protocol.js';
import {
  AnnotationPatchSchema,
  AnnotationSchema,
  SamplingSessionSchema,
  type Annotation,
  type SamplingSession,
  type SessionProgress,
  type StoredSession,
} from '../../../shared/sampling.js';
import { Serial } from '../lib/serial.js';
import type { RecordLog } from '../storage/ports.js';
import { readRecords, type LoadProblem } from '../storage/read-records.js';

/**
 * Sampling sessions and their annotations, append-only: every change is one durable record before
 * its promise resolves, so nothing a reviewer typed is lost to a crash. A session line carries the
 * sampled calls' records, so the session can be resumed on a later shift after the reservoirs
 * have moved on. Annotations are whole records, last write wins per (session, call).
 */

export type NewSession = Omit<SamplingSession, 'id' | 'createdAt'>;

export interface SessionStoreOptions {
  log: RecordLog;
  clock?: () => number;
  newId?: () => string;
}

export class SessionStoreError extends Error {}

const LineSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('session'), session: SamplingSessionSchema, calls: z.array(CallRecordSchema) }),
  z.object({ t: z.literal('annotation'), annotation: AnnotationSchema }),
]);
type Line = z.infer<typeof LineSchema>;

function parseLine(value: unknown): Line {
  const parsed = LineSchema.safeParse(value);
  if (!parsed.success) throw new Error(describeZodError(parsed.error));
  return parsed.data;
}

interface Held {
  stored: StoredSession;
  annotations: Map<string, Annotation>;
}

export class SessionStore {
  /** Lines skipped while loading: a torn last line after a crash, or damage. */
  readonly problems: readonly LoadProblem[];
  private readonly log: RecordLog;
  private readonly serial = new Serial();
  private readonly clock: () => number;
  private readonly newId: () => string;
  private readonly sessions = new Map<string, Held>();

  private constructor(options: SessionStoreOptions, lines: Line[], problems: LoadProblem[]) {
    this.log = options.log;
    this.clock = options.clock ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    const skipped: LoadProblem[] = [...problems];
    lines.forEach((line, i) => {
      if (line.t === 'session') {
        this.sessions.set(line.session.id, { stored: { session: line.session, calls: line.calls }, annotations: new Map() });
        return;
      }
      const reason = this.misfit(line.annotation.sessionId, line.annotation.callId);
      if (reason) skipped.push({ line: i + 1, reason });
      else this.sessions.get(line.annotation.sessionId)?.annotations.set(line.annotation.callId, line.annotation);
    });
    this.problems = skipped;
  }

  /** Loads the store from its log (an empty log is an empty store). */
  static async open(options: SessionStoreOptions): Promise<SessionStore> {
    const { records, problems } = await readRecords(options.log, parseLine);
    return new SessionStore(options, records, problems);
  }

  /** Saves a new session with the records of its sampled calls; every sampled call needs one. Kept when it resolves. */
  async createSession(input: NewSession, calls: readonly CallRecord[]): Promise<StoredSession> {
    const parsed = SamplingSessionSchema.safeParse({
      ...input,
      id: this.newId(),
      createdAt: new Date(this.clock()).toISOString(),
    });
    if (!parsed.success) throw new SessionStoreError(`invalid sampling session: ${describeZodError(parsed.error)}`);
    const session = parsed.data;
    const byId = new Map(calls.map((c) => [c.id, c]));
    const missing = session.callIds.filter((id) => !byId.has(id));
    if (missing.length > 0) throw new SessionStoreError(`no call record for sampled call(s): ${missing.join(', ')}`);
    if (new Set(session.callIds).size !== session.callIds.length) {
      throw new SessionStoreError('a sampled call appears twice in the session');
    }
    const stored: StoredSession = { session, calls: session.callIds.map((id) => byId.get(id) as CallRecord) };
    await this.serial.run(() => this.log.append({ t: 'session', ...stored } satisfies Line));
    this.sessions.set(session.id, { stored, annotations: new Map() });
    return stored;
  }

  /** Newest first. */
  list(): SamplingSession[] {
    return [...this.sessions.values()]
      .map((h) => h.stored.session)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  }

  get(sessionId: string): StoredSession | undefined {
    return this.sessions.get(sessionId)?.stored;
  }

  /**
   * Applies a reviewer's change (fields left out keep their value); kept when it resolves. Changes
   * run one at a time, so two saves of one call each build on the other's fields.
   */
  annotate(patch: unknown): Promise<Annotation> {
    return this.serial.run(() => this.applyAnnotation(patch));
  }

  private async applyAnnotation(patch: unknown): Promise<Annotation> {
    const parsed = AnnotationPatchSchema.safeParse(patch);
    if (!parsed.success) throw new SessionStoreError(`invalid annotation: ${describeZodError(parsed.error)}`);
    const p = parsed.data;
    const reason = this.misfit(p.sessionId, p.callId);
    if (reason) throw new SessionStoreError(reason);
    const held = this.sessions.get(p.sessionId) as Held;
    const prior = held.annotations.get(p.callId);
    const annotation: Annotation = {
      sessionId: p.sessionId,
      callId: p.callId,
      verdict: p.verdict !== undefined ? p.verdict : (prior?.verdict ?? null),
      categories: p.categories ?? prior?.categories ?? [],
      note: p.note ?? prior?.note ?? '',
      updatedAt: new Date(this.clock()).toISOString(),
      updatedBy: p.updatedBy,
    };
    await this.log.append({ t: 'annotation', annotation } satisfies Line);
    held.annotations.set(p.callId, annotation);
    return annotation;
  }

  /** The session's annotations in the session's call order. */
  annotations(sessionId: string): Annotation[] {
    const held = this.sessions.get(sessionId);
    if (!held) return [];
    return held.stored.session.callIds.flatMap((id) => held.annotations.get(id) ?? []);
  }

  progress(sessionId: string): SessionProgress {
    const held = this.sessions.get(sessionId);
    if (!held) return { annotated: 0, total: 0 };
    const annotated = [...held.annotations.values()].filter((a) => a.verdict !== null).length;
    return { annotated, total: held.stored.session.callIds.length };
  }

  async close(): Promise<void> {
    await this.serial.idle();
    await this.log.close();
  }

  private misfit(sessionId: string, callId: string): string | null {
    const held = this.sessions.get(sessionId);
    if (!held) return `unknown sampling session ${sessionId}`;
    if (!held.stored.session.callIds.includes(callId)) return `call ${callId} is not in sampling session ${sessionId}`;
    return null;
  }
}

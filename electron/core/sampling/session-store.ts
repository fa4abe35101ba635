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
import { openOriginal, protectCall, type ProtectedCall } from './mask-call.js';
import { SealedSchema, keepNoOriginals, type PiiProtection, type Sealed } from './pii-vault.js';
import { PoolSnapshotSchema, type PoolSnapshot } from './pool-snapshot.js';

/**
 * Sampling sessions and their annotations, append-only: every change is one durable record before
 * its promise resolves, so nothing a reviewer typed is lost to a crash. A session line carries the
 * sampled calls' records, so the session can be resumed on a later shift after the reservoirs
 * have moved on. Annotations are whole records, last write wins per (session, call).
 *
 * The calls are stored masked, each with how many items were masked (`m`) and, when the console
 * keeps originals, its original encrypted (`o`) until the retention passes; then the log is
 * rewritten without it. A log written before masking at rest is masked on loading and rewritten.
 */

export type NewSession = Omit<SamplingSession, 'id' | 'createdAt'>;

export interface SessionStoreOptions {
  log: RecordLog;
  clock?: () => number;
  newId?: () => string;
  /** How originals are kept; by default none are, and the retention never passes. */
  pii?: PiiProtection;
}

/** What the kept-calls store already knows of a call's personal data, so it is not masked twice. */
export interface KnownPii {
  maskedItems: number;
  original?: Sealed;
}

export class SessionStoreError extends Error {}

const LineSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('session'),
    session: SamplingSessionSchema,
    calls: z.array(CallRecordSchema),
    /** Items masked per call; absent on lines written before calls were masked at rest. */
    m: z.array(z.number().int().nonnegative()).optional(),
    o: z.array(SealedSchema.nullable()).optional(),
  }),
  z.object({ t: z.literal('annotation'), annotation: AnnotationSchema }),
  z.object({ t: z.literal('pool'), pool: PoolSnapshotSchema }),
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
  maskedItems: number[];
  originals: (Sealed | null)[];
}

export class SessionStore {
  /** Lines skipped while loading: a torn last line after a crash, or damage. */
  readonly problems: readonly LoadProblem[];
  private readonly log: RecordLog;
  private readonly serial = new Serial();
  private readonly clock: () => number;
  private readonly newId: () => string;
  private readonly sessions = new Map<string, Held>();
  /** The pools sessions were drawn from, by snapshot id; one line each, however many draws share it. */
  private readonly pools = new Map<string, PoolSnapshot>();
  private readonly pii: PiiProtection;
  /** Sessions read back unmasked: the log is rewritten masked on opening. */
  private readonly unmaskedOnDisk: number;

  private constructor(options: SessionStoreOptions, lines: Line[], problems: LoadProblem[]) {
    this.log = options.log;
    this.clock = options.clock ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.pii = options.pii ?? { vault: keepNoOriginals('this console keeps no unmasked originals'), retentionMs: Number.POSITIVE_INFINITY };
    const skipped: LoadProblem[] = [...problems];
    let unmasked = 0;
    lines.forEach((line, i) => {
      if (line.t === 'pool') {
        this.pools.set(line.pool.id, line.pool);
        return;
      }
      if (line.t === 'session') {
        if (line.m === undefined || line.m.length !== line.calls.length) {
          unmasked += 1;
          this.sessions.set(line.session.id, heldOf(line.session, line.calls.map((c) => protectCall(c, this.pii.vault, this.clock()))));
        } else {
          const { m, o } = line;
          this.sessions.set(line.session.id, heldOf(line.session, line.calls.map((call, k) => ({ call, found: m[k] ?? 0, original: o?.[k] ?? null }))));
        }
        return;
      }
      const reason = this.misfit(line.annotation.sessionId, line.annotation.callId);
      if (reason) skipped.push({ line: i + 1, reason });
      else this.sessions.get(line.annotation.sessionId)?.annotations.set(line.annotation.callId, line.annotation);
    });
    this.problems = skipped;
    this.unmaskedOnDisk = unmasked;
  }

  /** Loads the store from its log (an empty log is an empty store). */
  static async open(options: SessionStoreOptions): Promise<SessionStore> {
    const { records, problems } = await readRecords(options.log, parseLine);
    const store = new SessionStore(options, records, problems);
    if (store.unmaskedOnDisk > 0) await store.serial.run(() => store.rewrite());
    else await store.dropExpiredOriginals();
    return store;
  }

  private sessionLine(held: Held): Line {
    return { t: 'session', ...held.stored, m: held.maskedItems, o: held.originals };
  }

  /** Replaces the log with what is held: each session, then the latest annotation of each call. */
  private async rewrite(): Promise<void> {
    const lines: Line[] = [...this.pools.values()].map((pool) => ({ t: 'pool', pool }));
    for (const held of this.sessions.values()) lines.push(this.sessionLine(held));
    for (const held of this.sessions.values()) for (const annotation of held.annotations.values()) lines.push({ t: 'annotation', annotation });
    await this.log.replace(lines);
  }

  /**
   * Forgets the originals sealed longer ago than the retention, rewriting the log
   * without them. Resolves to how many were forgotten.
   */
  dropExpiredOriginals(now = this.clock()): Promise<number> {
    return this.serial.run(async () => {
      const before = now - this.pii.retentionMs;
      let dropped = 0;
      for (const held of this.sessions.values()) {
        held.originals = held.originals.map((o) => {
          if (o === null || o.at >= before) return o;
          dropped += 1;
          return null;
        });
      }
      if (dropped > 0) await this.rewrite();
      return dropped;
    });
  }

  pool(poolId: string): PoolSnapshot | undefined {
    return this.pools.get(poolId);
  }

  /** What is known of each call's personal data, for a new session of the same calls. */
  knownPii(sessionId: string): Map<string, KnownPii> {
    const held = this.sessions.get(sessionId);
    if (!held) return new Map();
    return new Map(
      held.stored.calls.map((c, k) => {
        const original = held.originals[k];
        return [c.id, { maskedItems: held.maskedItems[k] ?? 0, ...(original ? { original } : {}) }];
      }),
    );
  }

  /** Personal data items masked in each call of the session, by call id. */
  maskedItems(sessionId: string): Record<string, number> {
    const held = this.sessions.get(sessionId);
    if (!held) return {};
    return Object.fromEntries(held.stored.calls.map((c, k) => [c.id, held.maskedItems[k] ?? 0]));
  }

  /** The call as it was said; throws, saying why, when the original is not kept. */
  original(sessionId: string, callId: string): CallRecord {
    const held = this.sessions.get(sessionId);
    const k = held?.stored.calls.findIndex((c) => c.id === callId) ?? -1;
    if (!held || k < 0) throw new SessionStoreError(`call ${callId} is not in sampling session ${sessionId}`);
    if ((held.maskedItems[k] ?? 0) === 0) return held.stored.calls[k] as CallRecord;
    const box = held.originals[k];
    if (box) return openOriginal(box, this.pii.vault);
    throw new SessionStoreError(
      this.pii.vault.withoutOriginals ?? `the original of call ${callId} was deleted when its retention of ${Math.round(this.pii.retentionMs / 86_400_000)} days passed`,
    );
  }

  /**
   * Saves a new session with the records of its sampled calls; every sampled call needs one. Calls
   * in `known` are already masked; the others are masked here. Kept when it resolves.
   */
  async createSession(
    input: NewSession,
    calls: readonly CallRecord[],
    known: ReadonlyMap<string, KnownPii> = new Map(),
    pool?: PoolSnapshot,
  ): Promise<StoredSession> {
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
    const protectedCalls = session.callIds.map((id) => {
      const call = byId.get(id) as CallRecord;
      const k = known.get(id);
      return k ? { call, found: k.maskedItems, original: k.original ?? null } : protectCall(call, this.pii.vault, this.clock());
    });
    return this.serial.run(async () => {
      const held = heldOf(session, protectedCalls);
      if (pool && !this.pools.has(pool.id)) {
        await this.log.append({ t: 'pool', pool } satisfies Line);
        this.pools.set(pool.id, pool);
      }
      await this.log.append(this.sessionLine(held));
      this.sessions.set(session.id, held);
      return held.stored;
    });
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

function heldOf(session: SamplingSession, calls: readonly ProtectedCall[]): Held {
  return {
    stored: { session, calls: calls.map((c) => c.call) },
    annotations: new Map(),
    maskedItems: calls.map((c) => c.found),
    originals: calls.map((c) => c.original),
  };
}

import { randomInt } from 'node:crypto';
import type { AnnotationSaved, SessionDetail, SessionListItem } from '../../../shared/bridge.js';
import type { SamplingView } from '../../../shared/console-state.js';
import type { CallRecord } from '../../../shared/protocol.js';
import { FAILURE_CATEGORIES, HOUR_MS, type Annotation, type SamplingSession, type StoredSession } from '../../../shared/sampling.js';
import { sessionSummary } from './export.js';
import { KeptCallsStore } from './kept-calls-store.js';
import { SessionStore } from './session-store.js';
import { redrawSession, startSamplingSession } from './start-session.js';
import type { ConsoleContext, Feature, Handlers, Tick } from '../engine/feature.js';
import { sessionExport } from './export-file.js';
import { fetchCallRecording, type RecordingSourceOf } from './fetch-recording.js';
import { piiProtectionFromEnv, type PiiProtection } from './pii-vault.js';
import { ReplayGuard } from './replay-guard.js';
import { sampleSpread } from './spread.js';

export type SamplingChannels =
  | 'sampling:start'
  | 'sampling:redraw'
  | 'sampling:sessions'
  | 'sampling:session'
  | 'sampling:annotate'
  | 'sampling:reveal'
  | 'sampling:recording'
  | 'sampling:export';

/** How often the retention of unmasked originals is checked. */
const RETENTION_CHECK_MS = 3_600_000;
/** Note-only saves closer together than this are one spell of typing, audited once. */
const NOTE_SPELL_MS = 60_000;
/** Spells remembered at most (one per call being typed into; the oldest is forgotten first). */
const NOTE_SPELLS_KEPT = 200;

/** Calls kept for sampling, sampling sessions, replay with recordings, annotation, exports. */
export class SamplingFeature implements Feature {
  readonly handlers: Pick<Handlers, SamplingChannels>;
  private keptCount: number;
  private keptCountStale = false;
  private firstHour: number | null;
  private problem: string | null;
  /** Why the last call offered could not be kept; cleared by the next one kept, since the cause has passed. */
  private keepProblem: string | null = null;
  private lastRetentionCheck = Number.NEGATIVE_INFINITY;
  /** When each (session, call, operator) last saved a change to the note alone. */
  private readonly lastNoteSave = new Map<string, number>();
  /** Moves with each draw and annotation, so every screen showing a session fetches it again. */
  private readonly revision = { sampling: 0, sessions: new Map<string, number>() };

  /**
   * `pii` says how unmasked originals are kept: by default from the environment (a key or a key
   * file outside the data folder, and a retention), see pii-vault.ts.
   */
  static async open(ctx: ConsoleContext, pii?: PiiProtection, recordingSource?: RecordingSourceOf): Promise<SamplingFeature> {
    const { storage } = ctx;
    const keptLog = storage.records('kept-calls');
    const protection = pii ?? piiProtectionFromEnv(process.env, keptLog.location);
    const kept = await KeptCallsStore.open({ log: keptLog, seed: randomInt(0x1_0000_0000), clock: ctx.now, pii: protection });
    const sessions = await SessionStore.open({ log: storage.records('sampling-sessions'), clock: ctx.now, pii: protection });
    const replay = await ReplayGuard.open({ doc: storage.document('sampling-counted-until'), clock: ctx.now });
    return new SamplingFeature(ctx, kept, sessions, replay, recordingSource);
  }

  private constructor(
    private readonly ctx: ConsoleContext,
    private readonly kept: KeptCallsStore,
    private readonly sessions: SessionStore,
    private readonly replay: ReplayGuard,
    private readonly recordingSource?: RecordingSourceOf,
  ) {
    const { sampler } = this.kept;
    this.keptCount = sampler.keptCount();
    const hours = sampler.traffic.cells().map(([, hour]) => hour);
    this.firstHour = hours.length > 0 ? Math.min(...hours) : null;
    this.problem = this.replay.problem ?? loadProblem(this.kept.problems.length, this.sessions.problems.length);

    this.handlers = {
      'sampling:start': async (request) => {
        const createdBy = this.ctx.operator();
        const stored = await startSamplingSession(this.kept.sampler, this.sessions, request, createdBy, undefined, this.ctx.now);
        await this.auditDraw(stored.session, 'Drew');
        this.revision.sampling += 1;
        return this.listItem(stored.session);
      },
      'sampling:redraw': async ({ sessionId, name }) => {
        const createdBy = this.ctx.operator();
        const stored = await redrawSession(this.sessions, sessionId, name, createdBy);
        await this.auditDraw(stored.session, `Redrew (from session ${sessionId})`);
        this.revision.sampling += 1;
        return this.listItem(stored.session);
      },
      'sampling:sessions': () => this.sessions.list().map((s) => this.listItem(s)),
      'sampling:session': ({ sessionId }) => this.detail(this.stored(sessionId), null),
      'sampling:reveal': async ({ sessionId, callId }) => {
        const stored = this.stored(sessionId);
        const call = callOf(stored, callId);
        const operator = this.ctx.operator();
        const original = this.sessions.original(sessionId, callId);
        await this.ctx.audit.append({
          type: 'reveal',
          operator,
          summary: `Revealed personal data of call ${callId} (${call.intent}) in sampling session "${stored.session.name}"`,
          data: { sessionId, callId, intent: call.intent, maskedItems: this.sessions.maskedItems(sessionId)[callId] ?? 0 },
        });
        return this.detail(stored, original);
      },
      'sampling:annotate': async (patch) => {
        const updatedBy = this.ctx.operator();
        const stored = this.stored(patch.sessionId);
        const annotation = await this.sessions.annotate({ ...patch, updatedBy });
        this.revision.sampling += 1;
        this.revision.sessions.set(patch.sessionId, (this.revision.sessions.get(patch.sessionId) ?? 0) + 1);
        const saved: AnnotationSaved = {
          annotation,
          progress: this.sessions.progress(stored.session.id),
          summary: sessionSummary(stored, this.sessions.annotations(stored.session.id)),
        };
        if (!this.startsAuditedChange(patch, annotation)) return saved;
        const changed = [
          patch.verdict !== undefined ? `verdict ${annotation.verdict ?? 'cleared'}` : null,
          patch.categories !== undefined ? `categories ${categoryLabels(annotation.categories)}` : null,
          patch.note !== undefined ? `note (${annotation.note.length} characters)` : null,
        ].filter((x) => x !== null);
        await this.ctx.audit.append({
          type: 'annotation',
          operator: updatedBy,
          summary: `Annotated call ${annotation.callId} in "${stored.session.name}": ${changed.join(', ') || 'no change'}`,
          // The note's text stays in the session store: the audit log records that it changed, not what a caller said.
          data: {
            sessionId: annotation.sessionId,
            callId: annotation.callId,
            verdict: annotation.verdict,
            categories: annotation.categories,
            noteChars: annotation.note.length,
          },
        });
        return saved;
      },
      'sampling:recording': async ({ sessionId, callId }) => fetchCallRecording(callOf(this.stored(sessionId), callId), this.recordingSource),
      'sampling:export': async ({ sessionId, kind, unmasked }) => {
        const stored = this.stored(sessionId);
        const operator = unmasked ? this.ctx.operator() : null;
        const calls = unmasked ? stored.calls.map((c) => this.sessions.original(sessionId, c.id)) : stored.calls;
        const file = sessionExport(kind, { ...stored, calls }, this.sessions.annotations(sessionId), unmasked);
        if (operator) {
          await this.ctx.audit.append({
            type: 'reveal',
            operator,
            summary: `Exported ${kind} of sampling session "${stored.session.name}" UNMASKED (personal data included)`,
            data: { sessionId, kind, fileName: file.fileName },
          });
        }
        return file;
      },
    };
  }

  view(): SamplingView {
    if (this.keptCountStale) {
      this.keptCount = this.kept.sampler.keptCount();
      this.keptCountStale = false;
    }
    const seenCalls = this.kept.sampler.seenByIntent().reduce((n, [, seen]) => n + seen, 0);
    const end = Math.max(this.ctx.launchNow() ?? 0, (this.replay.latestEndedAt ?? 0) + 1);
    return {
      keptCalls: this.keptCount,
      seenCalls,
      sessions: this.sessions.list().length,
      span: this.firstHour === null ? null : { from: this.firstHour * HOUR_MS, to: end },
      problem: this.keptWriteProblem() ?? this.keepProblem ?? this.problem,
    };
  }

  revisions(): { sampling: number; samplingSessions: Record<string, number> } {
    return { sampling: this.revision.sampling, samplingSessions: Object.fromEntries(this.revision.sessions) };
  }

  private keptWriteProblem(): string | null {
    const why = this.kept.writeProblem;
    return why === null ? null : `Calls kept for sampling could not all be saved (${why}); after a restart some may be missing`;
  }

  onCall(call: CallRecord): void {
    const endedAt = Date.parse(call.endedAt);
    const { launchId } = this.ctx.streamStatus();
    if (!this.replay.isNew(launchId, endedAt)) return;
    try {
      if (this.kept.offer(call, endedAt).placements.length > 0) this.keptCountStale = true;
      this.replay.counted(launchId, endedAt);
      this.keepProblem = null;
    } catch (e) {
      // The stream must go on for every other feature; the Sampling screen says what is missing.
      this.keepProblem = `Calls are not being kept for sampling: ${(e as Error).message}`;
      return;
    }
    const hour = Math.floor(endedAt / HOUR_MS);
    this.firstHour = this.firstHour === null ? hour : Math.min(this.firstHour, hour);
  }

  tick(tick: Tick): void {
    if (tick.now - this.lastRetentionCheck < RETENTION_CHECK_MS) return;
    this.lastRetentionCheck = tick.now;
    this.kept.dropExpiredOriginals(tick.now);
    this.sessions.dropExpiredOriginals(tick.now).catch((e: unknown) => this.ctx.storageFailed('deleting originals past their retention', e));
  }

  async close(): Promise<void> {
    await this.kept.close();
    await this.replay.save();
    await this.sessions.close();
  }

  /**
   * A note is saved keystroke by keystroke; the audit log records that someone edited it once per
   * spell of typing (saves less than NOTE_SPELL_MS apart), not once per key. Any other change is
   * audited, and ends the spell.
   */
  private startsAuditedChange(patch: { verdict?: unknown; categories?: unknown }, a: Annotation): boolean {
    const key = `${a.sessionId}\u0000${a.callId}\u0000${a.updatedBy}`;
    const previous = this.lastNoteSave.get(key);
    this.lastNoteSave.delete(key);
    if (patch.verdict !== undefined || patch.categories !== undefined) return true;
    const now = this.ctx.now();
    this.lastNoteSave.set(key, now);
    const oldest = this.lastNoteSave.keys().next();
    if (this.lastNoteSave.size > NOTE_SPELLS_KEPT && !oldest.done) this.lastNoteSave.delete(oldest.value);
    return previous === undefined || now - previous >= NOTE_SPELL_MS;
  }

  private stored(sessionId: string): StoredSession {
    const stored = this.sessions.get(sessionId);
    if (!stored) throw new Error(`sessionId: no sampling session ${sessionId}`);
    return stored;
  }

  private listItem(session: SamplingSession): SessionListItem {
    const { id, name, createdAt, createdBy, size, seed, poolId } = session;
    const snapshot = poolId === undefined ? undefined : this.sessions.pool(poolId);
    const pool = snapshot ? { id: snapshot.id, calls: snapshot.calls.length } : null;
    return { id, name, createdAt, createdBy, size, seed, pool, progress: this.sessions.progress(id) };
  }

  private async auditDraw(session: SamplingSession, verb: string): Promise<void> {
    await this.ctx.audit.append({
      type: 'annotation',
      operator: session.createdBy,
      summary: `${verb} sampling session "${session.name}": ${session.callIds.length} calls from ${iso(session.range.from)} to ${iso(session.range.to)}, seed ${session.seed}, pool ${session.poolId ?? 'not recorded'}${session.overweightFailures ? ', failures over-weighted' : ''}`,
      data: {
        sessionId: session.id,
        name: session.name,
        calls: session.callIds.length,
        size: session.size,
        seed: session.seed,
        poolId: session.poolId ?? null,
        range: { from: iso(session.range.from), to: iso(session.range.to) },
        overweightFailures: session.overweightFailures,
      },
    });
  }

  /** The session as a reviewer sees it: every call masked but the one revealed, if any. */
  private detail(stored: StoredSession, revealed: CallRecord | null): SessionDetail {
    const calls = stored.calls.map((call) => (call.id === revealed?.id ? revealed : call));
    const annotations = this.sessions.annotations(stored.session.id);
    return {
      stored: { session: stored.session, calls },
      annotations,
      progress: this.sessions.progress(stored.session.id),
      summary: sessionSummary(stored, annotations),
      spread: sampleSpread(stored.session, stored.calls, this.kept.sampler.trafficIn(stored.session.range)),
      maskedItems: this.sessions.maskedItems(stored.session.id),
      revealedCallId: revealed?.id ?? null,
    };
  }
}

function callOf(stored: StoredSession, callId: string): CallRecord {
  const call = stored.calls.find((c) => c.id === callId);
  if (!call) throw new Error(`callId: call ${callId} is not in sampling session "${stored.session.name}"`);
  return call;
}

function categoryLabels(ids: readonly string[]): string {
  return ids.length === 0 ? 'none' : ids.map((id) => FAILURE_CATEGORIES.find((c) => c.id === id)?.label ?? id).join(', ');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function loadProblem(keptSkipped: number, sessionSkipped: number): string | null {
  if (keptSkipped + sessionSkipped === 0) return null;
  const parts = [
    keptSkipped > 0 ? `${keptSkipped} line(s) of the kept calls` : null,
    sessionSkipped > 0 ? `${sessionSkipped} line(s) of the sampling sessions` : null,
  ].filter((x) => x !== null);
  return `On loading, ${parts.join(' and ')} could not be read (a write cut short by a crash) and were skipped.`;
}

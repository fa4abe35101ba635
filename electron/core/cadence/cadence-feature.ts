import type { AlertLogEntry } from '../../../shared/alerts.js';
import type { LaunchClock, LaunchClockSource, ReviewRecord, ScheduledReview, ShiftOwner } from '../../../shared/cadence.js';
import type { CadenceView } from '../../../shared/console-state.js';
import type { CallRecord } from '../../../shared/protocol.js';
import { CadenceError, CadenceStore } from './cadence-store.js';
import { captureEvidence } from './evidence.js';
import { notificationsToSend } from './notifications.js';
import { buildSchedule, nextReview, recordsById, reviewStatus } from './schedule.js';
import type { SettingsStore } from '../storage/settings-store.js';
import { alertOccurrences } from './alert-occurrences.js';
import { nextLaunchClock, t0FromFirstCall } from './launch-clock.js';
import { reviewCompletedEntry, reviewOpenedEntry } from './review-audit.js';
import type { ConsoleContext, Feature, Handlers } from '../engine/feature.js';

export type CadenceChannels =
  | 'operator:set-shift-owner'
  | 'cadence:set-t0'
  | 'review:open'
  | 'review:check'
  | 'review:complete'
  | 'known-issue:upsert';

export interface CadenceDeps {
  /** Where T0 lives (electron-store in the desktop app, conf in the web host). */
  settings: SettingsStore;
  /** The alert history, on the launch clock; read once, when a review freezes its evidence. */
  alertHistory: () => readonly AlertLogEntry[];
}

/** Who sets T0 when nobody did: the stamp on the clock record and its audit entry. */
const FIRST_CALL_ACTOR = 'first live call';

/**
 * The first 48 hours: launch clock, review schedule and timers, reviews, known issues, shifts.
 * Every status is computed from the launch clock at the moment it is asked for, so a restart or a
 * laptop lid closed overnight only changes what the next look finds.
 */
export class CadenceFeature implements Feature {
  readonly handlers: Pick<Handlers, CadenceChannels>;
  private readonly store: CadenceStore;
  private readonly settings: SettingsStore;
  private readonly alertHistory: () => readonly AlertLogEntry[];
  private clock: LaunchClock | null;
  private schedule: ScheduledReview[];

  constructor(private readonly ctx: ConsoleContext, deps: CadenceDeps) {
    this.settings = deps.settings;
    this.alertHistory = deps.alertHistory;
    this.store = new CadenceStore(ctx.dataDir, () => this.now());
    this.clock = this.settings.get('launchClock');
    this.schedule = scheduleOf(this.clock);
    this.handlers = {
      'operator:set-shift-owner': ({ name, note }) => this.setShiftOwner(name, note),
      'cadence:set-t0': ({ t0 }) => this.setClock(t0 === null ? null : Date.parse(t0), this.ctx.operator(), 'operator'),
      'review:open': ({ reviewId }) => this.openReview(reviewId),
      'review:check': ({ reviewId, checkId, verdict, note }) =>
        this.store.updateCheck(reviewId, checkId, verdict, note, this.ctx.operator()).after,
      'review:complete': ({ reviewId, decision }) => {
        const review = this.scheduled(reviewId);
        const change = this.store.completeReview(reviewId, decision, this.ctx.operator());
        this.ctx.audit.append(reviewCompletedEntry(review, change.after));
        return change.after;
      },
      'known-issue:upsert': (input) => {
        const change = this.store.upsertKnownIssue(input, this.ctx.operator());
        if (change.changed) {
          this.ctx.audit.append({ type: 'known_issue', operator: change.actor, summary: change.summary, data: { before: change.before, after: change.after } });
        }
        return change.after;
      },
    };
  }

  currentOwner(): ShiftOwner | null {
    return this.store.currentOwner();
  }

  view(): CadenceView {
    const now = this.now();
    const records = this.store.listReviews();
    const byId = recordsById(records);
    return {
      clock: this.clock,
      now,
      reviews: this.schedule.map((review) => {
        const record = byId.get(review.id) ?? null;
        return { review, status: reviewStatus(review, record ?? undefined, now), record };
      }),
      nextReviewId: nextReview(this.schedule, records, now)?.review.id ?? null,
      knownIssues: this.store.listKnownIssues(),
      shiftHistory: this.store.shiftHistory(),
      loadProblems: this.store.loadProblems.map((p) => `${p.line}: ${p.reason}`),
    };
  }

  onCall(call: CallRecord): void {
    const t0 = t0FromFirstCall(this.clock, Date.parse(call.startedAt));
    if (t0 !== null) this.setClock(t0, FIRST_CALL_ACTOR, 'first_call');
  }

  /** Shows each due and overdue notice once: marked sent (fsync'd) before it is pushed, so a restart never repeats it. */
  tick(): void {
    if (this.schedule.length === 0) return;
    const due = notificationsToSend(this.schedule, this.store.listReviews(), this.store.notifiedIds(), this.now());
    for (const n of due) {
      if (!this.store.markNotified(n.id)) continue;
      this.ctx.push({ kind: 'notification', id: n.id, title: n.title, body: n.body, severity: n.kind === 'due' ? 'warning' : 'critical' });
    }
  }

  close(): void {
    this.store.close();
  }

  /**
   * The launch's clock: stream time carried forward, so review times line up with the figures they
   * judge. Before the first stream event of this run, the wall clock (the same on a real launch).
   */
  private now(): number {
    return this.ctx.launchNow() ?? this.ctx.now();
  }

  private setClock(t0: number | null, by: string, source: LaunchClockSource): LaunchClock {
    const change = nextLaunchClock(this.clock, t0, by, source, this.now());
    if (!change.changed) return change.after;
    this.settings.set('launchClock', change.after);
    this.clock = change.after;
    this.schedule = scheduleOf(change.after);
    if (change.audit) this.ctx.audit.append({ type: 'launch', operator: by, summary: change.summary, data: { t0: change.after.t0, source } });
    return change.after;
  }

  private setShiftOwner(name: string, note: string | undefined): ShiftOwner {
    // The first owner names themselves; after that the outgoing owner hands over.
    const by = this.store.currentOwner()?.name ?? name;
    const change = this.store.setShiftOwner(name, note, by);
    const withNote = change.after.handoverNote ? `; handover note: ${change.after.handoverNote}` : '';
    this.ctx.audit.append({
      type: 'shift',
      operator: by,
      summary: `${change.summary}${withNote}`,
      data: { from: change.before?.name ?? null, to: change.after.name, handoverNote: change.after.handoverNote ?? null },
    });
    return change.after;
  }

  /** Freezes the evidence as it stands now; opening an open review returns it unchanged. */
  private openReview(reviewId: string): ReviewRecord {
    const review = this.scheduled(reviewId);
    const by = this.ctx.operator();
    const existing = this.store.getReview(reviewId);
    if (existing) return existing;
    const now = this.now();
    const { streamTime } = this.ctx.streamStatus();
    const metrics = streamTime === null ? null : this.ctx.metrics.snapshot(streamTime);
    const evidence = captureEvidence(review, metrics, alertOccurrences(this.alertHistory()), now);
    const change = this.store.openReview(reviewId, by, evidence);
    this.ctx.audit.append(reviewOpenedEntry(review, change.after));
    return change.after;
  }

  private scheduled(reviewId: string): ScheduledReview {
    if (this.schedule.length === 0) {
      throw new CadenceError('the launch clock has not started: T0 is set by the first live call, or set it on the Reviews tab');
    }
    const review = this.schedule.find((r) => r.id === reviewId);
    if (!review) throw new CadenceError(`unknown review "${reviewId}"; reviews are ${this.schedule.map((r) => r.id).join(', ')}`);
    return review;
  }
}

function scheduleOf(clock: LaunchClock | null): ScheduledReview[] {
  return clock?.t0 ? buildSchedule(Date.parse(clock.t0)) : [];
}

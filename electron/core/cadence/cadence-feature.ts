import type { AlertLogEntry } from '../../../shared/alerts.js';
import type { LaunchClock, LaunchClockSource, ReviewRecord, ScheduledReview, ShiftOwner } from '../../../shared/cadence.js';
import type { CadenceView } from '../../../shared/console-state.js';
import type { CallRecord } from '../../../shared/protocol.js';
import { FIRST_CALL_ACTOR } from '../../../shared/operator-text.js';
import { CadenceError, CadenceStore } from './cadence-store.js';
import { captureEvidence } from './evidence.js';
import { notificationsToSend } from './notifications.js';
import { buildSchedule, nextReview, recordsById, reviewStatus } from './schedule.js';
import type { SettingsStore } from '../storage/settings-store.js';
import { alertOccurrences } from './alert-occurrences.js';
import { nextLaunchClock, t0FromFirstCall } from './launch-clock.js';
import { reviewCompletedEntry, reviewOpenedEntry } from './review-audit.js';
import type { ConsoleContext, Feature, Handlers } from '../engine/feature.js';
import type { KpiHistoryQuery } from '../metrics/kpi-history.js';
import type { BaselinesInForce } from './baseline-comparison.js';

export type CadenceChannels =
  | 'operator:set-shift-owner'
  | 'cadence:set-t0'
  | 'review:open'
  | 'review:check'
  | 'review:complete'
  | 'known-issue:upsert';

export interface CadenceDeps {
  /** Where T0 lives (electron-store in the desktop app, conf in the web host, the database in a team). */
  settings: SettingsStore;
  /** The alert history, on the launch clock; read once, when a review freezes its evidence. */
  alertHistory: () => readonly AlertLogEntry[];
  /** The launch's KPI history, so a review's figures cover its own span rather than the last hour. */
  kpiHistory: KpiHistoryQuery;
  /** The baselines in force (configured, or captured over them); end of day 2 compares with them. */
  baselines: () => BaselinesInForce | null;
}

/**
 * The first 48 hours: launch clock, review schedule and timers, reviews, known issues, shifts.
 * Every status is computed from the launch clock at the moment it is asked for, so a restart or a
 * laptop lid closed overnight only changes what the next look finds.
 */
export class CadenceFeature implements Feature {
  readonly handlers: Pick<Handlers, CadenceChannels>;
  private readonly settings: SettingsStore;
  private readonly alertHistory: () => readonly AlertLogEntry[];
  private readonly kpiHistory: KpiHistoryQuery;
  private readonly baselines: () => BaselinesInForce | null;
  private clock: LaunchClock | null;
  private schedule: ScheduledReview[];
  private sendingNotices = false;

  static async open(ctx: ConsoleContext, deps: CadenceDeps): Promise<CadenceFeature> {
    let feature: CadenceFeature | null = null;
    const store = await CadenceStore.open(ctx.storage.records('cadence'), () => feature?.now() ?? ctx.now());
    feature = new CadenceFeature(ctx, deps, store);
    return feature;
  }

  private constructor(
    private readonly ctx: ConsoleContext,
    deps: CadenceDeps,
    private readonly store: CadenceStore,
  ) {
    this.settings = deps.settings;
    this.alertHistory = deps.alertHistory;
    this.kpiHistory = deps.kpiHistory;
    this.baselines = deps.baselines;
    this.clock = this.settings.get('launchClock');
    this.schedule = scheduleOf(this.clock);
    this.handlers = {
      'operator:set-shift-owner': ({ name, note }) => this.setShiftOwner(name, note),
      'cadence:set-t0': async ({ t0 }) => {
        const set = this.setClock(t0 === null ? null : Date.parse(t0), this.ctx.operator(), 'operator');
        await set.audited;
        return set.clock;
      },
      'review:open': ({ reviewId }) => this.openReview(reviewId),
      'review:check': async ({ reviewId, checkId, verdict, note }) =>
        (await this.store.updateCheck(reviewId, checkId, verdict, note, this.ctx.operator())).after,
      'review:complete': async ({ reviewId, decision }) => {
        const review = this.scheduled(reviewId);
        const change = await this.store.completeReview(reviewId, decision, this.ctx.operator());
        await this.ctx.audit.append(reviewCompletedEntry(review, change.after));
        return change.after;
      },
      'known-issue:upsert': async (input) => {
        const change = await this.store.upsertKnownIssue(input, this.ctx.operator());
        if (change.changed) {
          await this.ctx.audit.append({ type: 'known_issue', operator: change.actor, summary: change.summary, data: { before: change.before, after: change.after } });
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
    if (t0 !== null) this.setClock(t0, FIRST_CALL_ACTOR, 'first_call').audited.catch((e: unknown) => this.ctx.storageFailed('the launch clock', e));
  }

  /** Shows each due and overdue notice once: marked sent (durably) before it is pushed, so a restart never repeats it. */
  tick(): void {
    if (this.schedule.length === 0 || this.sendingNotices) return;
    const due = notificationsToSend(this.schedule, this.store.listReviews(), this.store.notifiedIds(), this.now());
    if (due.length === 0) return;
    this.sendingNotices = true;
    void (async () => {
      for (const n of due) {
        if (!(await this.store.markNotified(n.id))) continue;
        this.ctx.push({ kind: 'notification', id: n.id, title: n.title, body: n.body, severity: n.kind === 'due' ? 'warning' : 'critical' });
      }
    })()
      .catch((e: unknown) => this.ctx.storageFailed('review notices', e))
      .finally(() => {
        this.sendingNotices = false;
      });
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  /**
   * The launch's clock: stream time carried forward, so review times line up with the figures they
   * judge. Before the first stream event of this run, the wall clock (the same on a real launch).
   */
  private now(): number {
    return this.ctx.launchNow() ?? this.ctx.now();
  }

  /**
   * Takes effect at once (the schedule follows the new T0 on this tick); the audit entry is
   * written in turn and awaited by an operator's request, while a first call's T0 does not hold
   * up the stream.
   */
  private setClock(t0: number | null, by: string, source: LaunchClockSource): { clock: LaunchClock; audited: Promise<unknown> } {
    const change = nextLaunchClock(this.clock, t0, by, source, this.now());
    if (!change.changed) return { clock: change.after, audited: Promise.resolve() };
    this.settings.set('launchClock', change.after);
    this.clock = change.after;
    this.schedule = scheduleOf(change.after);
    const audited = change.audit
      ? this.ctx.audit.append({ type: 'launch', operator: by, summary: change.summary, data: { t0: change.after.t0, source } })
      : Promise.resolve();
    return { clock: change.after, audited };
  }

  /** Audited under `by`: by default the outgoing owner hands over, and the first owner names themselves. */
  async setShiftOwner(name: string, note: string | undefined, by = this.store.currentOwner()?.name ?? name): Promise<ShiftOwner> {
    const change = await this.store.setShiftOwner(name, note, by);
    const withNote = change.after.handoverNote ? `; handover note: ${change.after.handoverNote}` : '';
    await this.ctx.audit.append({
      type: 'shift',
      operator: by,
      summary: `${change.summary}${withNote}`,
      data: { from: change.before?.name ?? null, to: change.after.name, handoverNote: change.after.handoverNote ?? null },
    });
    return change.after;
  }

  /** Freezes the evidence as it stands now; opening an open review returns it unchanged. */
  private async openReview(reviewId: string): Promise<ReviewRecord> {
    const review = this.scheduled(reviewId);
    const by = this.ctx.operator();
    const existing = this.store.getReview(reviewId);
    if (existing) return existing;
    const now = this.now();
    const { streamTime } = this.ctx.streamStatus();
    const metrics = streamTime === null ? null : this.ctx.metrics.snapshot(streamTime);
    const evidence = captureEvidence(review, metrics, alertOccurrences(this.alertHistory()), now, {
      history: this.kpiHistory,
      baselines: this.baselines(),
    });
    const change = await this.store.openReview(reviewId, by, evidence);
    await this.ctx.audit.append(reviewOpenedEntry(review, change.after));
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

import { randomUUID } from 'node:crypto';
import { runbookFor, stageName, type RolloutStage } from '../../../shared/config.js';
import type { CallRecord, RoutingActionName, RoutingState } from '../../../shared/protocol.js';
import type { Rehearsal, RehearsalAction, RolloutView, StageFigures } from '../../../shared/rollout.js';
import type { ConsoleContext, Feature, Handlers, Tick } from '../engine/feature.js';
import { evaluateCriteria, type RuleInfo, type StageSample } from './criteria.js';
import { currentSpan, heldAt, holdRemaining, noteCriticalAlert, observe, returnTo, type LadderEvent, type LadderState } from './ladder.js';
import { addStep, finishRehearsal, restoreAction, startRehearsal } from './rehearsal.js';
import { LadderStore, RehearsalStore } from './rollout-store.js';
import { addPoint } from './stage-series.js';

export type RolloutChannels =
  | 'rollout:promote'
  | 'rollout:check'
  | 'rollout:return-to'
  | 'rehearsal:start'
  | 'rehearsal:trigger'
  | 'rehearsal:tick'
  | 'rehearsal:restore'
  | 'rehearsal:finish';

/** What a routing change through another part of the console came to. */
export interface ActOutcome {
  status: 'verified' | 'unverified' | 'failed';
  text: string;
  readBack: RoutingState | null;
}

/** Where rehearsals act: a staging provider of their own, or the live one. */
export interface RehearsalTarget {
  provider: string;
  live: boolean;
  act(action: RoutingActionName, operator: string, reason: string): Promise<ActOutcome>;
}

/** What the rollout needs from the rest of the console; the service wires each one. */
export interface RolloutHooks {
  /** Sets the agent's share through the routing feature's action path: verified and audited there. */
  setShare(share: number, operator: string, reason: string): Promise<ActOutcome>;
  /** KPI figures over a span of launch time, from the longest history the console keeps. */
  figures(from: number, to: number): StageFigures | null;
  /** The alert rules as they stand, with the episode of any that is up. */
  rules(): (RuleInfo & { firedAt: number | null })[];
  /** Sampling sessions drawn from within [from, to), with their annotation progress. */
  samples(from: number, to: number): Promise<StageSample[]>;
  rehearsal: RehearsalTarget;
}

const SAMPLES_EVERY_MS = 5_000;
const SAVE_EVERY_MS = 60_000;
const FIGURES_EVERY_MS = 1_000;

/** The staged rollout: a ladder the console runs from the provider's read-back, and timed rollback rehearsals. */
export class RolloutFeature implements Feature {
  readonly handlers: Pick<Handlers, RolloutChannels>;
  private readonly stages: readonly RolloutStage[];
  private position: RolloutView['position'] = { kind: 'unknown', why: 'The routing provider has not been read yet' };
  private samples: StageSample[] = [];
  private samplesAskedAt = -Infinity;
  private savedAt = -Infinity;
  private promoting = false;
  private figuresRead: { from: number; at: number; wall: number; figures: StageFigures | null } | null = null;
  private active: Rehearsal | null = null;
  private busy = false;
  /** Stream time the rehearsal's action was verified at, and what a new call must show to prove it. */
  private watchCalls: { since: number; route: 'human' | 'fallback' | null; version: string | null } | null = null;

  static async open(ctx: ConsoleContext, hooks: RolloutHooks): Promise<RolloutFeature> {
    const ladder = await LadderStore.open(ctx.storage.document('rollout-ladder'));
    const rehearsals = await RehearsalStore.open(ctx.storage.records('rehearsals'));
    return new RolloutFeature(ctx, hooks, ladder, rehearsals);
  }

  private constructor(
    private readonly ctx: ConsoleContext,
    private readonly hooks: RolloutHooks,
    private readonly store: LadderStore,
    private readonly rehearsals: RehearsalStore,
  ) {
    this.stages = ctx.config.rollout.stages;
    this.state = store.loaded;
    this.active = rehearsals.recent().find((r) => r.finishedAt === null) ?? null;
    this.handlers = {
      'rollout:promote': ({ reason }) => this.promote(this.ctx.operator(), reason ?? null),
      'rollout:check': async ({ index, person, note, done }) => {
        const recordedBy = this.ctx.operator();
        const stage = this.currentStage();
        const text = stage?.checks[index];
        if (!stage || text === undefined) throw new Error(`index: the current stage has no check ${index + 1}`);
        const who = person?.trim() || recordedBy;
        this.state.checks[index] = done ? { person: who, recordedBy, note, at: this.at() } : null;
        await this.store.save(this.state);
        await this.audit(recordedBy, `${stageName(stage)}: "${text}" ${done ? `checked by ${who}: ${note}` : 'unticked'}`, { stage: this.state.current, check: text, person: who, note, done });
        return this.view();
      },
      'rollout:return-to': async ({ stage: index, reason }) => {
        const by = this.ctx.operator();
        const target = this.stages[index];
        if (!target) throw new Error(`stage: the ladder has ${this.stages.length} stages, not ${index + 1}`);
        const routing = this.ctx.routingView().state;
        if (routing?.mode === 'stopped') throw new Error('stage: routing is stopped; resume it under Emergency controls first, then pick the stage to return to');
        const at = this.at();
        const events = returnTo(this.state, this.stages, index, by, at, this.stageFigures(at));
        await this.store.save(this.state);
        this.auditEvents(events, by, reason ?? null);
        if (routing && routing.agentShare !== target.share) {
          const outcome = await this.hooks.setShare(target.share, by, `Ladder returned to ${stageName(target)}${reason ? `: ${reason}` : ''}`);
          if (outcome.status !== 'verified') throw new Error(`The ladder is at ${stageName(target)}, but setting the share to ${target.share}% was not verified: ${outcome.text}`);
        }
        this.step(at);
        return this.view();
      },
      'rehearsal:start': async ({ action }) => {
        const by = this.ctx.operator();
        if (this.active) throw new Error(`rehearsal: the rehearsal started by ${this.active.by} is still open; finish it first`);
        const { provider, live } = this.hooks.rehearsal;
        const r = startRehearsal({ id: randomUUID(), by, action, provider, live, at: this.ctx.now(), manualSteps: runbookFor(this.ctx.config, action) });
        await this.rehearsals.save(r);
        this.active = r;
        await this.audit(by, `Rollback rehearsal started (${action}) on ${provider}`, { rehearsalId: r.id, action, provider, live }, 'rehearsal');
        return this.view();
      },
      'rehearsal:trigger': () => this.rehearsalAct('trigger'),
      'rehearsal:restore': () => this.rehearsalAct('restore'),
      'rehearsal:tick': async ({ kind, text }) => {
        const by = this.ctx.operator();
        const r = this.openRehearsal();
        const step = kind === 'fallback-heard' ? `Heard the fallback: ${text || 'confirmed by a call'}` : text;
        await this.saveRehearsal(addStep(r, kind, step, this.ctx.now()));
        await this.audit(by, `Rollback rehearsal: ${step}`, { rehearsalId: r.id, kind, text }, 'rehearsal');
        return this.view();
      },
      'rehearsal:finish': async () => {
        const by = this.ctx.operator();
        const r = finishRehearsal(this.openRehearsal(), this.ctx.now(), this.ctx.config.rehearsal.passUnderMin * 60_000);
        await this.saveRehearsal(r);
        this.active = null;
        this.watchCalls = null;
        await this.audit(by, `Rollback rehearsal finished: ${r.verdict}`, { rehearsal: r as unknown as Record<string, unknown> }, 'rehearsal');
        return this.view();
      },
    };
  }

  private state: LadderState;

  /** The newest finished rehearsal, and the newest passed one that proved the fallback: the rollback gate reads them. */
  rehearsalRecord(): { last: Rehearsal | null; fallbackTested: Rehearsal | null } {
    const done = this.rehearsals.recent().filter((r) => r.finishedAt !== null);
    return {
      last: done[0] ?? null,
      fallbackTested: done.find((r) => r.passed && r.steps.some((s) => s.kind === 'fallback-seen' || s.kind === 'fallback-heard')) ?? null,
    };
  }

  onCall(call: CallRecord): void {
    const w = this.watchCalls;
    const r = this.active;
    if (!w || !r || Date.parse(call.startedAt) < w.since) return;
    const proves = w.route ? call.route === w.route : call.route === 'agent' && call.agentVersion === w.version;
    if (!proves) return;
    this.watchCalls = null;
    const what = w.route ? `a new call on the ${w.route === 'human' ? 'human line' : 'fallback route'}` : `a new call on ${w.version}`;
    this.saveRehearsal(addStep(r, 'fallback-seen', `The stream showed ${what}`, this.ctx.now())).catch((e: unknown) => this.ctx.storageFailed('a rehearsal step', e));
  }

  tick(tick: Tick): void {
    const at = this.at(tick.now);
    this.step(at);
    const span = currentSpan(this.state);
    if (span && tick.now - this.samplesAskedAt >= SAMPLES_EVERY_MS) {
      this.samplesAskedAt = tick.now;
      this.hooks.samples(span.from, at).then(
        (s) => (this.samples = s),
        () => undefined,
      );
    }
    if (tick.now - this.savedAt >= SAVE_EVERY_MS) this.persist(tick.now);
    const stage = this.currentStage();
    if (stage?.autoPromote && !this.promoting && this.blockers(at).length === 0) {
      this.promote(`console (auto-promotion set for ${stageName(stage)})`, 'every criterion held and the hold had passed').catch((e: unknown) =>
        this.ctx.push({ kind: 'notification', id: 'auto-promotion', title: 'Auto-promotion not done', body: (e as Error).message, severity: 'warning' }),
      );
    }
  }

  async close(): Promise<void> {
    this.state.heldMs = heldAt(this.state, this.at());
    if (this.state.countingSince !== null) this.state.countingSince = this.at();
    await this.store.save(this.state);
    await this.store.idle();
    await this.rehearsals.close();
  }

  view(): RolloutView {
    const at = this.at();
    const stage = this.currentStage();
    const span = currentSpan(this.state);
    const figures = this.stageFigures(at);
    const next = this.state.current !== null && this.state.current + 1 < this.stages.length ? this.state.current + 1 : null;
    const criteria =
      stage && span
        ? evaluateCriteria({
            stage,
            span,
            heldMs: heldAt(this.state, at),
            figures,
            rules: this.hooks.rules(),
            checks: this.checks(),
            samples: stage.sampleReview ? this.samples : null,
          })
        : [];
    const blockers = this.blockers(at, criteria);
    const recent = this.rehearsals.recent();
    return {
      stages: this.stages.map((s, index) => ({ index, name: stageName(s), share: s.share, minHoldMs: s.minHoldMin * 60_000, maxHoldMs: s.maxHoldMin === undefined ? null : s.maxHoldMin * 60_000 })),
      position: this.position,
      current: this.state.current,
      heldMs: heldAt(this.state, at),
      holdRemainingMs: holdRemaining(this.state, this.stages, at),
      frozen: this.state.countingSince === null,
      frozenWhy: this.state.countingSince === null ? this.state.frozenWhy : null,
      criteria,
      checks: this.checks(),
      figures,
      next,
      canPromote: blockers.length === 0,
      promoteBlockers: blockers,
      autoPromote: stage?.autoPromote ?? false,
      promoting: this.promoting,
      spans: this.state.spans,
      now: at,
      rehearsal: {
        provider: this.hooks.rehearsal.provider,
        live: this.hooks.rehearsal.live,
        passUnderMs: this.ctx.config.rehearsal.passUnderMin * 60_000,
        active: this.active,
        recent: recent.filter((r) => r.finishedAt !== null).slice(0, 10),
        busy: this.busy,
      },
      problem: this.store.problem,
    };
  }

  /** The launch clock: stream time carried forward, so an accelerated simulator runs holds fast. */
  private at(wall = this.ctx.now()): number {
    return this.ctx.launchNow() ?? wall;
  }

  private currentStage(): RolloutStage | null {
    return this.state.current === null ? null : (this.stages[this.state.current] ?? null);
  }

  private checks() {
    const stage = this.currentStage();
    return (stage?.checks ?? []).map((text, i) => ({ text, done: this.state.checks[i] ?? null }));
  }

  /** The stage's figures, read from the history at most once a second: a snapshot asks for them several times. */
  private stageFigures(at: number): StageFigures | null {
    const span = currentSpan(this.state);
    if (!span) return null;
    const wall = this.ctx.now();
    const cached = this.figuresRead;
    if (cached && cached.from === span.from && wall - cached.wall < FIGURES_EVERY_MS && at >= cached.at) return cached.figures;
    const figures = this.hooks.figures(span.from, at);
    this.figuresRead = { from: span.from, at, wall, figures };
    return figures;
  }

  /** Brings the ladder up to what the provider reads back now, and notes critical alerts in the stage. */
  private step(at: number): void {
    const routing = this.ctx.routingView().state;
    const obs = routing ? { share: routing.agentShare, mode: routing.mode, agentVersion: routing.agentVersion } : null;
    const before = JSON.stringify(this.position);
    const { position, events } = observe(this.state, this.stages, obs, at, this.stageFigures(at));
    this.position = position;
    let changed = events.length > 0;
    for (const r of this.hooks.rules()) {
      if (r.severity === 'critical' && r.up && r.firedAt !== null) changed = noteCriticalAlert(this.state, { ruleId: r.id, name: r.name, at: r.firedAt }) || changed;
    }
    const span = currentSpan(this.state);
    if (span) changed = addPoint(span.series, this.stageFigures(at), at) || changed;
    if (position.kind === 'off' && before !== JSON.stringify(position)) events.push({ kind: 'off', providerShare: position.providerShare });
    if (events.length > 0) this.auditEvents(events, routing?.updatedBy ?? 'console', null);
    if (changed) this.persist(this.ctx.now());
  }

  private persist(wall: number): void {
    this.savedAt = wall;
    this.store.save(this.state).catch((e: unknown) => this.ctx.storageFailed("the rollout ladder's state", e));
  }

  private blockers(at: number, criteria = this.criteriaNow(at)): string[] {
    const out: string[] = [];
    const stage = this.currentStage();
    if (this.position.kind === 'unknown') out.push(this.position.why);
    if (this.position.kind === 'off') out.push(`Off the ladder: ${this.position.why}`);
    if (this.position.kind === 'halted') out.push(`Halted: ${this.position.why}; pick the stage to return to`);
    if (!stage || this.state.current === null) return out.length > 0 ? out : ['No stage yet'];
    if (this.state.current + 1 >= this.stages.length) out.push(`${stageName(stage)} is the last stage`);
    if (this.state.countingSince === null && this.position.kind === 'on') out.push(this.state.frozenWhy ?? 'The hold is not counting');
    for (const c of criteria) if (c.state !== 'met') out.push(`${c.label}: ${c.reason}`);
    if (this.promoting) out.push('A promotion is being sent');
    return out;
  }

  private criteriaNow(at: number) {
    const stage = this.currentStage();
    const span = currentSpan(this.state);
    if (!stage || !span) return [];
    return evaluateCriteria({
      stage,
      span,
      heldMs: heldAt(this.state, at),
      figures: this.stageFigures(at),
      rules: this.hooks.rules(),
      checks: this.checks(),
      samples: stage.sampleReview ? this.samples : null,
    });
  }

  private async promote(by: string, reason: string | null): Promise<ActOutcome> {
    const at = this.at();
    const blockers = this.blockers(at);
    if (blockers.length > 0) throw new Error(`promotion: not yet: ${blockers.join('; ')}`);
    const from = this.currentStage()!;
    const to = this.stages[this.state.current! + 1]!;
    const criteria = this.criteriaNow(at);
    this.promoting = true;
    this.state.promoting = { to: to.share, by, at };
    try {
      await this.store.save(this.state);
      await this.audit(by, `Promotion from ${stageName(from)} (${from.share}%) to ${stageName(to)} (${to.share}%) asked${reason ? `: ${reason}` : ''}`, {
        from: stageName(from),
        to: stageName(to),
        share: to.share,
        heldMs: heldAt(this.state, at),
        criteria: criteria.map((c) => ({ label: c.label, state: c.state, reason: c.reason })),
        figures: this.stageFigures(at) as unknown as Record<string, unknown>,
      });
      const outcome = await this.hooks.setShare(to.share, by, `Promotion to ${stageName(to)}${reason ? `: ${reason}` : ''}`);
      if (outcome.status === 'failed') this.state.promoting = null;
      this.step(this.at());
      return outcome;
    } finally {
      this.promoting = false;
    }
  }

  private auditEvents(events: LadderEvent[], operator: string, reason: string | null): void {
    for (const e of events) {
      const name = (i: number) => stageName(this.stages[i]!);
      const summary =
        e.kind === 'entered'
          ? `Ladder at ${name(e.stage)} (${this.stages[e.stage]!.share}%): ${e.how}`
          : e.kind === 'left'
            ? `Ladder left ${name(e.stage)}: ${e.how}`
            : e.kind === 'halted'
              ? `Ladder halted: ${e.why}`
              : `Off the ladder: the provider's share is ${e.providerShare}%`;
      this.ctx.auditInBackground({ type: 'rollout', operator, summary: reason ? `${summary} (${reason})` : summary, data: { event: e as unknown as Record<string, unknown> } });
    }
  }

  private async audit(operator: string, summary: string, data: Record<string, unknown>, type: 'rollout' | 'rehearsal' = 'rollout'): Promise<void> {
    await this.ctx.audit.append({ type, operator, summary, data });
  }

  private openRehearsal(): Rehearsal {
    if (!this.active) throw new Error('rehearsal: no rehearsal is open; start one first');
    return this.active;
  }

  private async saveRehearsal(r: Rehearsal): Promise<void> {
    await this.rehearsals.save(r);
    if (this.active?.id === r.id) this.active = r.finishedAt === null ? r : null;
  }

  private async rehearsalAct(which: 'trigger' | 'restore'): Promise<RolloutView> {
    const by = this.ctx.operator();
    const r = this.openRehearsal();
    if (this.busy) throw new Error('rehearsal: a step is being carried out');
    const action = which === 'trigger' ? r.action : restoreAction(r.action);
    const before = this.ctx.routingView().state;
    this.busy = true;
    try {
      let current = addStep(r, which === 'trigger' ? 'triggered' : 'manual', which === 'trigger' ? `Sent ${action}` : `Sent ${action} to restore`, this.ctx.now());
      await this.saveRehearsal(current);
      const outcome = await this.hooks.rehearsal.act(action, by, `Rollback rehearsal ${r.id}: ${which === 'trigger' ? r.action : 'restore'}`);
      if (outcome.status === 'verified') {
        current = addStep(current, which === 'trigger' ? 'verified' : 'restored', `${which === 'trigger' ? 'Verified' : 'Restore verified'}: ${outcome.text}`, this.ctx.now());
        if (which === 'trigger' && this.hooks.rehearsal.live) this.watchFor(r.action, before);
      } else {
        current = addStep(current, 'manual', `${action} ${outcome.status}: ${outcome.text}`, this.ctx.now());
      }
      await this.saveRehearsal(current);
      await this.audit(by, `Rollback rehearsal: ${action} ${outcome.status} on ${r.provider}`, { rehearsalId: r.id, action, status: outcome.status, text: outcome.text }, 'rehearsal');
      return this.view();
    } finally {
      this.busy = false;
    }
  }

  private watchFor(action: RehearsalAction, before: RoutingState | null): void {
    const since = this.ctx.launchNow() ?? this.ctx.now();
    if (action === 'rollback') this.watchCalls = { since, route: null, version: before?.previousVersion ?? null };
    else this.watchCalls = { since, route: action === 'stop_all' ? 'human' : 'fallback', version: null };
  }
}

import type { ActionOutcome } from '../../../shared/actions.js';
import type { AlertTransition, AutoActCountdown, BaselineChange, BaselineSet, RuleState } from '../../../shared/alerts.js';
import type { AlertRule } from '../../../shared/config.js';
import type { AlertsView } from '../../../shared/console-state.js';
import { KPI_IDS, KPIS, type KpiId, type MetricsSnapshot, type WindowMinutes } from '../../../shared/kpi.js';
import type { RoutingActionRequest } from '../../../shared/protocol.js';
import type { BridgeResponse } from '../../../shared/bridge.js';
import { CONSOLE_OPERATOR, UNNAMED_OPERATOR } from '../../../shared/operator-text.js';
import { AlertLog } from './alert-log.js';
import { autoActRequest, cancelCountdown, stepAutoAct } from './auto-act.js';
import {
  applyCapture,
  baselineSet,
  baselinesFromConfig,
  captureBaseline,
  criticalAlertsOver,
  EMPTY_BASELINE_RECORD,
  revertCapture,
  type BaselineRecord,
  type BaselineValues,
} from './baselines.js';
import { rulesFromConfig } from './default-rules.js';
import { evaluateRules } from './rule-engine.js';
import { recommendationFor } from './targeting.js';
import {
  baselineLine,
  countdownData,
  firedNotification,
  outcomeNotification,
  transitionData,
  transitionSummary,
} from './alert-text.js';
import { AlertStateStore } from './alert-state-store.js';
import { loadBaselines, saveBaselines } from './baseline-store.js';
import type { ConsoleContext, Feature, Handlers, Tick } from '../engine/feature.js';
import { Serial } from '../lib/serial.js';
import type { JsonDocument } from '../storage/ports.js';

export type AlertsChannels = 'alerts:acknowledge' | 'alerts:cancel-auto-act' | 'alerts:capture-baseline' | 'alerts:revert-baseline';

/** What an automatic action is for: the recovery watch follows the alert's own KPI. */
export interface AutoActOptions {
  kpis: KpiId[];
  trigger: string;
  /** So an action still pending after a restart can ask whether its rule still breaches. */
  ruleId: string;
  /** Pause the ramp too, after the route. */
  pauseRamp?: boolean;
}


/**
 * Alert rules evaluated on every tick (stream time), notifications and audit entries for
 * critical episodes, acknowledgements, baselines and the auto-act countdowns (wall clock).
 * Memory is bounded by the rule count and the alert log's ring. Rule states, the log and the
 * countdowns are saved whenever one of them changes, so a restart is not a new incident.
 */
export class AlertsFeature implements Feature {
  readonly handlers: Pick<Handlers, AlertsChannels>;
  private readonly rules: AlertRule[];
  private readonly rulesById: Map<string, AlertRule>;
  private readonly log = new AlertLog();
  private readonly baselineDoc: JsonDocument;
  private readonly stateStore: AlertStateStore;
  /** Saves run one at a time, each writing the state as it stood when it was asked for. */
  private readonly saves = new Serial();
  /** Baseline captures and reverts run one at a time: each builds on the record the last one left. */
  private readonly baselineChanges = new Serial();
  private loadProblem: string | null = null;
  private saveProblem: string | null = null;
  private readonly configuredBaselines: BaselineValues;
  private baselineRecord: BaselineRecord = EMPTY_BASELINE_RECORD;
  private baselines: BaselineSet;
  private states = new Map<string, RuleState>();
  private countdowns = new Map<string, AutoActCountdown>();
  private evaluatedAt: number | null = null;
  /** The figures the rules were last judged on, which also aim their recommended actions. */
  private snapshot: MetricsSnapshot | null = null;

  static async open(
    ctx: ConsoleContext,
    executeAutomatic: (req: RoutingActionRequest, options: AutoActOptions) => Promise<ActionOutcome>,
  ): Promise<AlertsFeature> {
    const feature = new AlertsFeature(ctx, executeAutomatic);
    await feature.restoreBaselines();
    await feature.restoreState();
    return feature;
  }

  private constructor(
    private readonly ctx: ConsoleContext,
    private readonly executeAutomatic: (req: RoutingActionRequest, options: AutoActOptions) => Promise<ActionOutcome>,
  ) {
    this.rules = rulesFromConfig(ctx.config.rules, ctx.config.intents);
    this.rulesById = new Map(this.rules.map((r) => [r.id, r]));
    this.baselineDoc = ctx.storage.document('baseline');
    this.configuredBaselines = baselinesFromConfig(ctx.config);
    this.baselines = baselineSet(this.configuredBaselines, this.baselineRecord);
    this.stateStore = new AlertStateStore(ctx.storage.document('alert-state'));
    this.handlers = {
      'alerts:acknowledge': ({ ruleId }) => this.acknowledge(ruleId),
      'alerts:cancel-auto-act': ({ ruleId }) => this.cancelAutoAct(ruleId),
      'alerts:capture-baseline': ({ windowMin, kpis, despiteAlerts }) =>
        this.baselineChanges.run(() => this.captureBaseline(windowMin, kpis, despiteAlerts ?? false)),
      'alerts:revert-baseline': ({ change }) => this.baselineChanges.run(() => this.revertBaseline(change)),
    };
  }

  view(): AlertsView {
    return {
      alerts: this.rules.flatMap((rule) => {
        const state = this.states.get(rule.id);
        if (!state) return [];
        const ack = this.log.acknowledgement(rule.id);
        const recommendation = recommendationFor(rule, this.snapshot, this.baselines.values);
        return [{ rule, state, acknowledged: ack ? { by: ack.operator, at: ack.at } : null, recommendation }];
      }),
      log: [...this.log.entries()],
      countdowns: [...this.countdowns.values()],
      baselines: this.baselines,
      evaluatedAt: this.evaluatedAt,
      problem: this.saveProblem ?? this.loadProblem,
    };
  }

  tick(tick: Tick): void {
    const result = evaluateRules(this.rules, this.states, {
      // Stream time, so pending periods are the platform's minutes; the wall clock until the first event.
      now: tick.metrics?.now ?? tick.now,
      snapshot: tick.metrics,
      stale: tick.stream.phase !== 'live',
      baselines: this.baselines.values,
    });
    this.states = result.states;
    this.evaluatedAt = tick.now;
    this.snapshot = tick.stream.phase === 'live' ? tick.metrics : null;
    this.log.record(result.transitions);
    for (const t of result.transitions) this.announce(t);
    const countdownsChanged = this.stepCountdowns();
    // A transition is the only time an episode's identity (firedAt, since, pendingSince) changes.
    if (result.transitions.length > 0 || countdownsChanged) void this.saveState();
  }

  /**
   * An open episode comes back open: the engine then reports it as "refired" once data shows
   * the condition still holds, so it is neither notified nor audited as "fired" again.
   */
  private async restoreState(): Promise<void> {
    const { saved, problem } = await this.stateStore.load(this.ctx.now());
    if (saved) {
      this.states = new Map(saved.states.map((s) => [s.ruleId, s]));
      // A rule dropped from the configuration since has no episode left to acknowledge.
      this.log.restore({ entries: saved.log.entries, open: saved.log.open.filter((o) => this.rulesById.has(o.ruleId)) });
      this.countdowns = new Map(saved.countdowns.map((c) => [c.ruleId, c]));
    }
    if (problem) {
      this.loadProblem = problem;
      await this.ctx.audit.append({ type: 'alert', operator: CONSOLE_OPERATOR, summary: problem, data: { file: this.stateStore.location } });
    }
  }

  /**
   * A failed save must not stop the evaluations; it is shown until a later save succeeds. The
   * returned promise is for the operator's requests, which answer only once the state is kept.
   */
  private saveState(): Promise<void> {
    const state = { states: [...this.states.values()], log: this.log.contents(), countdowns: [...this.countdowns.values()] };
    return this.saves.run(async () => {
      try {
        await this.stateStore.save(state);
        this.saveProblem = null;
      } catch (e) {
        this.saveProblem = `The alert state could not be saved to ${this.stateStore.location} (${(e as Error).message}); after a restart an open alert would fire again`;
      }
    });
  }

  private async restoreBaselines(): Promise<void> {
    const stored = await loadBaselines(this.baselineDoc);
    if (stored.kind === 'stored') this.setBaselineRecord(stored.record);
    if (stored.kind === 'unreadable') {
      const file = this.baselineDoc.location;
      await this.ctx.audit.append({
        type: 'baseline',
        operator: CONSOLE_OPERATOR,
        summary: `The captured baselines in ${file} could not be read (${stored.why}); using the configuration's baselines`,
        data: { file, why: stored.why },
      });
    }
  }

  private setBaselineRecord(record: BaselineRecord): void {
    this.baselineRecord = record;
    this.baselines = baselineSet(this.configuredBaselines, record);
  }

  async close(): Promise<void> {
    await this.baselineChanges.idle();
    await this.saves.idle();
  }

  /** Critical episodes are announced and audited; lesser states only show on screen. */
  private announce(t: AlertTransition): void {
    const rule = this.rulesById.get(t.ruleId);
    if (!rule || rule.severity !== 'critical' || (t.kind !== 'fired' && t.kind !== 'resolved')) return;
    const state = this.states.get(t.ruleId);
    if (t.kind === 'fired') {
      const text = firedNotification(rule, t);
      this.ctx.push({ kind: 'notification', id: `alert:${rule.id}:${t.episode ?? t.at}`, ...text, severity: rule.severity });
    }
    this.ctx.auditInBackground({
      type: 'alert',
      operator: CONSOLE_OPERATOR,
      summary: transitionSummary(rule, t),
      data: transitionData(rule, t, state),
    });
  }

  /** True when a countdown started or ended. */
  private stepCountdowns(): boolean {
    const step = stepAutoAct(this.countdowns, this.rules, this.states, this.ctx.now());
    this.countdowns = step.countdowns;
    for (const c of step.started) {
      const seconds = Math.round((c.dueAt - c.startedAt) / 1000);
      this.ctx.push({
        kind: 'notification',
        id: `auto-act:${c.ruleId}:${c.episode}`,
        title: `Automatic action in ${seconds} s: ${c.text}`,
        body: `${c.ruleName} is firing. Any operator can cancel the countdown from the alert strip.`,
        severity: 'critical',
      });
      this.auditCountdown(c, `Automatic action countdown started for ${c.ruleName}: ${c.action} in ${seconds} s`);
    }
    for (const c of step.withdrawn) this.auditCountdown(c, `Automatic action for ${c.ruleName} withdrawn: ${c.note ?? 'no reason given'}`);
    for (const c of step.paused) {
      const left = Math.ceil((c.remainingMs ?? 0) / 1000);
      this.auditCountdown(c, `Automatic action countdown for ${c.ruleName} paused with ${left} s left: ${c.note ?? 'the alert stopped firing'}`);
    }
    for (const c of step.resumed) {
      const left = Math.round((c.dueAt - this.ctx.now()) / 1000);
      this.ctx.push({
        kind: 'notification',
        id: `auto-act-resumed:${c.ruleId}:${c.episode}:${c.dueAt}`,
        title: `Automatic action in ${left} s: ${c.text}`,
        body: `${c.ruleName} is firing again; its countdown resumed. Any operator can cancel it from the alert strip.`,
        severity: 'critical',
      });
      this.auditCountdown(c, `Automatic action countdown for ${c.ruleName} resumed: ${c.action} in ${left} s`);
    }
    for (const c of step.due) this.act(c);
    return step.started.length + step.withdrawn.length + step.due.length + step.paused.length + step.resumed.length > 0;
  }

  /** A due countdown acts exactly once: stepAutoAct reports each as due in one step only. */
  private act(c: AutoActCountdown): void {
    const aimed = recommendationFor(this.rule(c.ruleId), this.snapshot, this.baselines.values);
    const request = autoActRequest(c, aimed?.intents ?? null);
    this.auditCountdown(c, `Countdown for ${c.ruleName} ended: sending ${c.action} automatically`);
    const options: AutoActOptions = { kpis: [this.rule(c.ruleId).kpi], trigger: `alert: ${c.ruleName}`, ruleId: c.ruleId };
    if (aimed?.pauseRamp) options.pauseRamp = true;
    this.executeAutomatic(request, options).then(
      (outcome) => {
        const text = outcomeNotification(c, outcome);
        const severity = outcome.status === 'verified' ? 'warning' : 'critical';
        this.ctx.push({ kind: 'notification', id: `auto-act-outcome:${c.ruleId}:${c.episode}`, ...text, severity });
      },
      (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        this.auditCountdown(c, `Automatic action for ${c.ruleName} could not be sent: ${message}`);
        this.ctx.push({
          kind: 'notification',
          id: `auto-act-outcome:${c.ruleId}:${c.episode}`,
          title: `Automatic action for ${c.ruleName} FAILED`,
          body: `${message}. Use the emergency controls.`,
          severity: 'critical',
        });
      },
    );
  }

  private auditCountdown(c: AutoActCountdown, summary: string, operator = CONSOLE_OPERATOR): void {
    this.ctx.auditInBackground({ type: 'alert', operator, summary, data: countdownData(c) });
  }

  private rule(ruleId: string): AlertRule {
    const rule = this.rulesById.get(ruleId);
    if (!rule) throw new Error(`no alert rule with id "${ruleId}" (known: ${this.rules.map((r) => r.id).join(', ')})`);
    return rule;
  }

  private async acknowledge(ruleId: string): Promise<{ ok: true }> {
    const rule = this.rule(ruleId);
    const operator = this.ctx.operator();
    const earlier = this.log.acknowledgement(ruleId);
    const ack = this.log.acknowledge(ruleId, operator, this.ctx.now());
    if (!earlier) {
      const state = this.states.get(ruleId);
      const saved = this.saveState();
      await this.ctx.audit.append({
        type: 'alert',
        operator,
        summary: `Alert acknowledged: ${rule.name}`,
        data: { ruleId, episode: new Date(ack.episode).toISOString(), state: state?.state ?? null, reason: state?.reason ?? null },
      });
      await saved;
    }
    return { ok: true };
  }

  private async cancelAutoAct(ruleId: string): Promise<{ ok: true }> {
    this.rule(ruleId);
    const operator = this.operatorOrUnnamed();
    this.countdowns = cancelCountdown(this.countdowns, ruleId, operator, this.ctx.now());
    const saved = this.saveState();
    const c = this.countdowns.get(ruleId);
    if (c) {
      await this.ctx.audit.append({
        type: 'alert',
        operator,
        summary: `Automatic action for ${c.ruleName} cancelled; the alert stays up and its action one click away`,
        data: countdownData(c),
      });
    }
    await saved;
    return { ok: true };
  }

  /**
   * Anyone at the console may stop an automatic action, named or not: refusing a cancel for want
   * of a shift owner would let the action go ahead. The entry says nobody owned the shift.
   */
  private operatorOrUnnamed(): string {
    try {
      return this.ctx.operator();
    } catch {
      return UNNAMED_OPERATOR;
    }
  }

  /**
   * A capture takes only the chosen KPIs and keeps every other baseline. With a critical alert up
   * over the window it is refused with a warning unless the operator confirms: the incident's
   * figures would become the normal the baseline rules compare with.
   */
  private async captureBaseline(
    windowMin: WindowMinutes,
    kpis: KpiId[] | undefined,
    despiteAlerts: boolean,
  ): Promise<BridgeResponse<'alerts:capture-baseline'>> {
    const stream = this.ctx.streamStatus();
    if (stream.phase !== 'live' || stream.streamTime === null) {
      throw new Error(`The stream is ${stream.phase}: a baseline is captured from live traffic only`);
    }
    const operator = this.ctx.operator();
    const taken = captureBaseline(this.ctx.metrics.snapshot(stream.streamTime), windowMin, 30, kpis);
    const up = criticalAlertsOver(this.rules, this.states, this.log.entries(), taken.streamTime - windowMin * 60_000);
    const warning = up.length === 0 ? null : `Critical alerts were up during the last ${windowMin} min (${up.join('; ')}): their figures would become the baseline`;
    if (warning && !despiteAlerts) return { kind: 'warning', warning };
    const previous = this.baselines.values;
    const { record, change } = applyCapture(this.baselineRecord, taken, { by: operator, at: this.ctx.now(), windowMin, warning });
    await saveBaselines(this.baselineDoc, record);
    this.setBaselineRecord(record);
    const lines = baselineLines(taken.values);
    const skipped = taken.skipped.map((s) => `${KPIS[s.kpi].label}: ${s.reason}`);
    await this.ctx.audit.append({
      type: 'baseline',
      operator,
      summary: `Baseline captured from the last ${windowMin} min of traffic (#${change.id}): ${lines.join(', ')}${skipped.length ? `; ${skipped.length} left out` : ''}${warning ? `; captured despite: ${warning}` : ''}`,
      data: { change: change.id, windowMin, streamTime: new Date(taken.streamTime).toISOString(), values: taken.values, skipped: taken.skipped, previous: pick(previous, taken.values), warning },
    });
    return { kind: 'captured', change: change.id, captured: lines, skipped, warning };
  }

  private async revertBaseline(id: number): Promise<BridgeResponse<'alerts:revert-baseline'>> {
    const operator = this.ctx.operator();
    const { record, change } = revertCapture(this.baselineRecord, id, this.configuredBaselines, { by: operator, at: this.ctx.now() });
    await saveBaselines(this.baselineDoc, record);
    this.setBaselineRecord(record);
    const restored = restoredLines(change);
    const kept = change.kind === 'revert' ? change.kept.map((k) => `${KPIS[k.kpi].label}: ${k.reason}`) : [];
    await this.ctx.audit.append({
      type: 'baseline',
      operator,
      summary: `Baseline capture #${id} reverted: ${restored.join(', ')}${kept.length ? `; kept ${kept.join(', ')}` : ''}`,
      data: { change: change.id, revertOf: id, restored: change.kind === 'revert' ? change.restored : {}, kept: change.kind === 'revert' ? change.kept : [] },
    });
    return { restored, kept };
  }
}

function baselineLines(values: BaselineValues): string[] {
  return KPI_IDS.flatMap((kpi) => {
    const value = values[kpi];
    return value === undefined ? [] : [baselineLine(kpi, value)];
  });
}

function restoredLines(change: BaselineChange): string[] {
  if (change.kind !== 'revert') return [];
  return KPI_IDS.flatMap((kpi) => {
    if (!(kpi in change.restored)) return [];
    const value = change.restored[kpi];
    return [value === null || value === undefined ? `${KPIS[kpi].label}: no baseline` : baselineLine(kpi, value)];
  });
}

/** The values `from` held for the KPIs of `keys`, null where it held none. */
function pick(from: BaselineValues, keys: BaselineValues): Partial<Record<KpiId, number | null>> {
  return Object.fromEntries(KPI_IDS.filter((k) => keys[k] !== undefined).map((k) => [k, from[k] ?? null]));
}

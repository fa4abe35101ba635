import type { AgentShareSince, KpiRecovery, NewCallCounts, RecoveryReport, StreamConfirmation } from '../../../shared/actions.js';
import { listOfIntents } from '../../../shared/action-text.js';
import { KPIS, kpiStatus, type KpiId, type KpiValues } from '../../../shared/kpi.js';
import type { RoutingActionRequest, RoutingState } from '../../../shared/protocol.js';
import { formatDuration, formatFigure } from '../../../shared/format.js';

export interface RecoveryWatchOptions {
  action: RoutingActionRequest;
  /** The verified read-back state. */
  after: RoutingState;
  /**
   * Stream time of the change (epoch ms). Defaults to the provider's updatedAt, which is on the
   * same clock as the calls' start times, so no call routed before the change is counted after it.
   */
  startedAt?: number;
  /** The KPIs the action was meant to bring back within target. */
  kpis: KpiId[];
  giveUpAfterMs?: number;
  /** New calls needed before the stream's agent share is judged. */
  minCalls?: number;
  /** The fallback rate before the change, for a fallback of some intents only. */
  fallbackRateBefore?: number | null;
}

export interface RecoveryInput {
  /** Stream time, epoch ms. */
  now: number;
  /** Calls that started at or after the change. */
  agentShare: AgentShareSince;
  /**
   * The same calls counted one by one, by version and for the intents the change moved: the
   * proof of a rollback and of a route of some intents. Without it a rollback can only be judged
   * by the agent's share, and the text says so.
   */
  newCalls?: NewCallCounts;
  /** KPI values over a short recent window. */
  kpis: KpiValues;
}

type ShareExpectation = { kind: 'share'; target: number; atMost: boolean };

type StreamExpectation =
  | ShareExpectation
  | { kind: 'targeted'; route: 'fallback' | 'human'; intents: string[]; fallbackBefore: number }
  | { kind: 'version'; version: string; share: ShareExpectation }
  | { kind: 'frozen'; share: ShareExpectation };

/** A paused ramp is proven by its share holding this long, not by one reading that happens to match. */
export const FROZEN_HOLD_MS = 2 * 60_000;
/** Share of the agent's new calls that must run the version rolled back to; the rest is platform lag. */
const VERSION_SHARE = 0.98;

/**
 * Proves an action from the stream instead of trusting the provider's 200: first that new calls
 * are routed as asked, then when each affected KPI is back within target. Fed periodically;
 * holds only a few fields, whatever the length of the watch.
 */
export class RecoveryWatch {
  private readonly startedAt: number;
  private readonly giveUpAfterMs: number;
  private readonly minCalls: number;
  private readonly expectation: StreamExpectation;
  private streamConfirmed: StreamConfirmation | null = null;
  private streamText = 'Waiting for new calls on the stream';
  private readonly recovered = new Map<KpiId, number>();
  private kpiTexts: KpiRecovery[];
  private gaveUp = false;

  constructor(private readonly options: RecoveryWatchOptions) {
    this.startedAt = options.startedAt ?? Date.parse(options.after.updatedAt);
    if (Number.isNaN(this.startedAt)) throw new Error('RecoveryWatch: startedAt is not a time');
    for (const kpi of options.kpis) {
      if (!KPIS[kpi]?.target) throw new Error(`RecoveryWatch: ${kpi} has no target to recover to`);
    }
    this.giveUpAfterMs = options.giveUpAfterMs ?? 10 * 60_000;
    this.minCalls = options.minCalls ?? 20;
    this.expectation = expectationFor(options.action, options.after, options.fallbackRateBefore ?? null);
    this.kpiTexts = options.kpis.map((kpi) => ({ kpi, recovered: false, text: `${KPIS[kpi].label}: no data yet` }));
  }

  update(input: RecoveryInput): RecoveryReport {
    if (this.gaveUp) return this.report();
    const elapsed = Math.max(0, input.now - this.startedAt);
    const timeUp = elapsed >= this.giveUpAfterMs;
    this.checkStream(input, elapsed, timeUp);
    this.kpiTexts = this.options.kpis.map((kpi) => this.checkKpi(kpi, input, elapsed, timeUp));
    this.gaveUp = timeUp;
    return this.report();
  }

  report(): RecoveryReport {
    const settled = this.streamConfirmed !== null && this.kpiTexts.every((k) => k.recovered);
    return {
      streamConfirmed: this.streamConfirmed,
      streamText: this.streamText,
      kpis: this.kpiTexts.map((k) => ({ ...k })),
      done: settled || this.gaveUp,
    };
  }

  private checkStream(input: RecoveryInput, elapsed: number, timeUp: boolean): void {
    if (this.streamConfirmed) return;
    const { confirmed, waiting } = this.judgeStream(this.expectation, input, elapsed);
    if (confirmed !== null) {
      this.streamConfirmed = {
        atMs: input.now,
        afterMs: elapsed,
        text: `Stream confirms the change after ${formatDuration(elapsed)}: ${confirmed}`,
      };
      this.streamText = this.streamConfirmed.text;
    } else {
      this.streamText = timeUp
        ? `Not confirmed by the stream after ${formatDuration(this.giveUpAfterMs)}: ${waiting}`
        : `Waiting for the stream: ${waiting}`;
    }
  }

  private judgeStream(exp: StreamExpectation, input: RecoveryInput, elapsed: number): { confirmed: string | null; waiting: string } {
    const { calls, agent } = input.agentShare;
    switch (exp.kind) {
      case 'targeted':
        return this.judgeTargeted(exp, input);
      case 'version':
        return input.newCalls ? this.judgeVersion(exp.version, input.newCalls) : this.judgeShare(exp.share, calls, agent, ' (versions not counted)');
      case 'frozen': {
        const judged = this.judgeShare(exp.share, calls, agent, '');
        if (judged.confirmed === null) return judged;
        if (elapsed < FROZEN_HOLD_MS) return { confirmed: null, waiting: `${judged.confirmed}; watching it hold for ${formatDuration(FROZEN_HOLD_MS)}` };
        return { confirmed: `the agent's share held over ${formatDuration(elapsed)}: ${judged.confirmed}`, waiting: '' };
      }
      case 'share':
        return this.judgeShare(exp, calls, agent, '');
    }
  }

  private judgeShare(exp: ShareExpectation, calls: number, agent: number, note: string): { confirmed: string | null; waiting: string } {
    if (calls < this.minCalls) return { confirmed: null, waiting: `${calls} of ${this.minCalls} new calls needed to judge` };
    const share = agent / calls;
    const seen = `${agent} of ${calls} new calls went to the agent`;
    if (!shareMatches(exp, share, calls)) return { confirmed: null, waiting: `${seen} (${targetWords(exp)})${note}` };
    const confirmed = exp.target === 0 ? seen : `the agent took ${formatFigure(share, 'ratio')} of ${calls} new calls (${targetWords(exp)})`;
    return { confirmed: `${confirmed}${note}`, waiting: '' };
  }

  /** A rollback holds when the agent's new calls run the version it returned to, not merely when the agent takes calls. */
  private judgeVersion(version: string, counts: NewCallCounts): { confirmed: string | null; waiting: string } {
    const agentCalls = counts.agent;
    if (agentCalls < this.minCalls) return { confirmed: null, waiting: `${agentCalls} of ${this.minCalls} new agent calls needed to judge the version` };
    const on = counts.agentVersions[version] ?? 0;
    const seen = `${on} of ${agentCalls} new agent calls ran ${version}`;
    if (on / agentCalls >= VERSION_SHARE) return { confirmed: seen, waiting: '' };
    const others = Object.entries(counts.agentVersions)
      .filter(([v]) => v !== version)
      .map(([v, n]) => `${n} on ${v}`)
      .join(', ');
    return { confirmed: null, waiting: `${seen}; ${others} (expected ${version})` };
  }

  /** A route of some intents holds when their new calls all take the new route; the other intents say nothing about it. */
  private judgeTargeted(
    exp: Extract<StreamExpectation, { kind: 'targeted' }>,
    input: RecoveryInput,
  ): { confirmed: string | null; waiting: string } {
    const where = exp.route === 'human' ? 'the human line' : 'fallback';
    const which = listOfIntents(exp.intents);
    const t = input.newCalls?.targeted;
    if (!t) {
      if (exp.route === 'human') return { confirmed: null, waiting: `no per-intent counts of new ${which} calls yet` };
      // Without per-intent counts, a fallback of some intents shows as a rise in the overall fallback rate.
      const rate = input.kpis.fallbackRate;
      const before = formatFigure(exp.fallbackBefore, 'ratio');
      if (rate !== null && rate > exp.fallbackBefore && input.agentShare.calls > 0) {
        return { confirmed: `fallback rate rose to ${formatFigure(rate, 'ratio')} (was ${before})`, waiting: '' };
      }
      return { confirmed: null, waiting: rate === null ? 'no fallback figure yet' : `fallback rate ${formatFigure(rate, 'ratio')}, was ${before}` };
    }
    const n = t.agent + t.fallback + t.human;
    const need = Math.max(1, Math.ceil(this.minCalls / 2));
    if (n < need) return { confirmed: null, waiting: `${n} of ${need} new ${which} calls needed to judge` };
    if (t[exp.route] === n) return { confirmed: `all ${n} new ${which} calls went to ${where}`, waiting: '' };
    return { confirmed: null, waiting: `${t[exp.route]} of ${n} new ${which} calls went to ${where}, ${t.agent} to the agent (expected all to ${where})` };
  }

  private checkKpi(kpi: KpiId, input: RecoveryInput, elapsed: number, timeUp: boolean): KpiRecovery {
    const def = KPIS[kpi];
    const seenAt = this.recovered.get(kpi);
    if (seenAt !== undefined) return recoveredText(kpi, seenAt);
    const value = input.kpis[kpi];
    const status = kpiStatus(def, value);
    if (status === 'ok' || status === 'warn') {
      this.recovered.set(kpi, elapsed);
      return recoveredText(kpi, elapsed);
    }
    if (timeUp) {
      return { kpi, recovered: false, text: `${def.label} not yet back within target after ${formatDuration(this.giveUpAfterMs)}` };
    }
    const now = value === null ? 'no data yet' : `${formatFigure(value, def.unit)}, ${targetPhrase(kpi, 'target')}`;
    return { kpi, recovered: false, text: `${def.label}: ${now} (${formatDuration(elapsed)} since the change)` };
  }
}

function expectationFor(action: RoutingActionRequest, after: RoutingState, fallbackBefore: number | null): StreamExpectation {
  const routes = Object.values(after.intents);
  if (after.mode === 'stopped' || (routes.length > 0 && routes.every((r) => r !== 'agent'))) {
    return { kind: 'share', target: 0, atMost: false };
  }
  const share: ShareExpectation = { kind: 'share', target: after.agentShare / 100, atMost: routes.some((r) => r !== 'agent') };
  switch (action.action) {
    case 'route_fallback':
    case 'route_human': {
      const intents = action.intents && action.intents.length > 0 ? action.intents : Object.keys(after.intents);
      const route = action.action === 'route_fallback' ? 'fallback' : 'human';
      return { kind: 'targeted', route, intents, fallbackBefore: fallbackBefore ?? 0 };
    }
    case 'rollback':
      return { kind: 'version', version: after.agentVersion, share };
    case 'pause_ramp':
      return { kind: 'frozen', share };
    default:
      return share;
  }
}

/** Within sampling noise of the target: three standard errors, or 5 points, whichever is wider. */
function shareMatches(exp: { target: number; atMost: boolean }, share: number, calls: number): boolean {
  const { target } = exp;
  if (target === 0) return share === 0;
  const tolerance = Math.max(0.05, 3 * Math.sqrt((target * (1 - target)) / calls));
  if (exp.atMost) return share <= target + tolerance;
  if (target === 1) return share === 1;
  return Math.abs(share - target) <= tolerance;
}

function targetWords(exp: { target: number; atMost: boolean }): string {
  if (exp.target === 0) return 'expected none';
  return exp.atMost ? `expected at most ${formatFigure(exp.target, 'ratio')}` : `expected ${formatFigure(exp.target, 'ratio')}`;
}

function recoveredText(kpi: KpiId, afterMs: number): KpiRecovery {
  const def = KPIS[kpi];
  return { kpi, recovered: true, afterMs, text: `${def.label} ${targetPhrase(kpi, 'back')} after ${formatDuration(afterMs)}` };
}

/** "back under 1.2 s" / "back above 85%" / "back to 0", or the same with "target". */
function targetPhrase(kpi: KpiId, lead: 'back' | 'target'): string {
  const def = KPIS[kpi];
  const t = def.target;
  if (!t) return '';
  const v = formatFigure(t.value, def.unit);
  if (t.kind === 'max' && t.value === 0) return lead === 'back' ? `back to ${v}` : `target ${v}`;
  return `${lead} ${t.kind === 'max' ? 'under' : 'above'} ${v}`;
}

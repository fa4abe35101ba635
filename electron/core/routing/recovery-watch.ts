import type { AgentShareSince, KpiRecovery, RecoveryReport, StreamConfirmation } from '../../../shared/actions.js';
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
  /** KPI values over a short recent window. */
  kpis: KpiValues;
}

type StreamExpectation =
  | { kind: 'share'; target: number; atMost: boolean }
  | { kind: 'fallbackRose'; before: number };

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
    const { calls, agent } = input.agentShare;
    const exp = this.expectation;
    let confirmed: string | null = null;
    let waiting: string;
    if (exp.kind === 'fallbackRose') {
      const rate = input.kpis.fallbackRate;
      if (rate !== null && rate > exp.before && calls > 0) {
        confirmed = `fallback rate rose to ${formatFigure(rate, 'ratio')} (was ${formatFigure(exp.before, 'ratio')})`;
      }
      waiting = rate === null ? 'no fallback figure yet' : `fallback rate ${formatFigure(rate, 'ratio')}, was ${formatFigure(exp.before, 'ratio')}`;
    } else if (calls < this.minCalls) {
      waiting = `${calls} of ${this.minCalls} new calls needed to judge`;
    } else {
      const share = agent / calls;
      const seen = `${agent} of ${calls} new calls went to the agent`;
      if (shareMatches(exp, share, calls)) {
        confirmed = exp.target === 0 ? seen : `the agent took ${formatFigure(share, 'ratio')} of ${calls} new calls (${targetWords(exp)})`;
      }
      waiting = `${seen} (${targetWords(exp)})`;
    }
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
  // Some intents only: the per-intent split is not in the input, so the overall fallback share shows it.
  if (action.action === 'route_fallback') return { kind: 'fallbackRose', before: fallbackBefore ?? 0 };
  const target = after.agentShare / 100;
  return { kind: 'share', target, atMost: routes.some((r) => r !== 'agent') };
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

import type { RolloutStage } from '../../../shared/config.js';
import { stageName } from '../../../shared/config.js';
import type { RoutingMode } from '../../../shared/protocol.js';
import type { HumanCheck, LadderPosition, StageFigures, StageSpan } from '../../../shared/rollout.js';

/**
 * The staged rollout as a state machine over what the routing provider reads back. The current
 * stage is the one whose share matches the provider's; the hold counts only while routing is
 * live on that stage; a stop or a rollback halts the ladder until the owner picks the stage to
 * return to. Pure: every change is a function of the state, the observation and the time given.
 */

const MIN_MS = 60_000;

export interface LadderState {
  current: number | null;
  heldMs: number;
  /** Launch time the hold has counted from since it last resumed; null while it does not count. */
  countingSince: number | null;
  frozenSince: number | null;
  frozenWhy: string | null;
  halted: { why: string; at: number } | null;
  agentVersion: string | null;
  /** A promotion sent: the share it asked for, who sent it. */
  promoting: { to: number; by: string; at: number } | null;
  checks: (HumanCheck['done'] | null)[];
  spans: StageSpan[];
}

export interface Observation {
  share: number;
  mode: RoutingMode;
  agentVersion: string;
}

export type LadderEvent =
  | { kind: 'entered'; stage: number; how: string }
  | { kind: 'left'; stage: number; how: string; by: string | null }
  | { kind: 'halted'; why: string }
  | { kind: 'off'; providerShare: number };

export function initialLadder(): LadderState {
  return {
    current: null,
    heldMs: 0,
    countingSince: null,
    frozenSince: null,
    frozenWhy: null,
    halted: null,
    agentVersion: null,
    promoting: null,
    checks: [],
    spans: [],
  };
}

export function heldAt(state: LadderState, at: number): number {
  return state.heldMs + (state.countingSince !== null ? Math.max(0, at - state.countingSince) : 0);
}

function openSpan(state: LadderState): StageSpan | null {
  const last = state.spans.at(-1);
  return last && last.to === null ? last : null;
}

function freeze(state: LadderState, at: number, why: string): void {
  if (state.countingSince !== null) {
    state.heldMs += Math.max(0, at - state.countingSince);
    state.countingSince = null;
    state.frozenSince = at;
  }
  state.frozenSince ??= at;
  state.frozenWhy = why;
}

function thaw(state: LadderState, at: number): void {
  if (state.countingSince !== null) return;
  const span = openSpan(state);
  if (span && state.frozenSince !== null) span.pausedMs += Math.max(0, at - state.frozenSince);
  state.countingSince = at;
  state.frozenSince = null;
  state.frozenWhy = null;
}

function close(state: LadderState, at: number, how: string, by: string | null, figures: StageFigures | null): LadderEvent | null {
  const span = openSpan(state);
  if (!span) return null;
  freeze(state, at, 'stage left');
  if (state.frozenSince !== null) span.pausedMs += Math.max(0, at - state.frozenSince);
  span.to = at;
  span.heldMs = state.heldMs;
  span.leftHow = how;
  span.leftBy = by;
  span.figuresAtExit = figures;
  return { kind: 'left', stage: span.stage, how, by };
}

function enter(state: LadderState, stages: readonly RolloutStage[], index: number, at: number, how: string): LadderEvent {
  const stage = stages[index]!;
  state.current = index;
  state.heldMs = 0;
  state.countingSince = null;
  state.frozenSince = at;
  state.frozenWhy = 'stage just entered';
  state.checks = stage.checks.map(() => null);
  state.spans.push({
    stage: index,
    name: stageName(stage),
    share: stage.share,
    from: at,
    to: null,
    heldMs: 0,
    pausedMs: 0,
    enteredHow: how,
    leftHow: null,
    leftBy: null,
    criticalAlerts: [],
    figuresAtExit: null,
    series: [],
  });
  return { kind: 'entered', stage: index, how };
}

/**
 * Moves the ladder to what the provider reads back at `at` (launch time). `figures` are the
 * current stage's, frozen into its record should it be left now.
 */
export function observe(
  state: LadderState,
  stages: readonly RolloutStage[],
  obs: Observation | null,
  at: number,
  figures: StageFigures | null = null,
): { position: LadderPosition; events: LadderEvent[] } {
  const events: LadderEvent[] = [];
  if (!obs) {
    freeze(state, at, 'routing provider not read yet');
    return { position: { kind: 'unknown', why: 'The routing provider has not been read yet' }, events };
  }
  const versionChanged = state.agentVersion !== null && obs.agentVersion !== state.agentVersion;
  state.agentVersion = obs.agentVersion;
  if (!state.halted && state.current !== null) {
    const why = obs.mode === 'stopped' ? 'All traffic stopped' : versionChanged ? `Agent version changed to ${obs.agentVersion} (a rollback)` : null;
    if (why) {
      state.halted = { why, at };
      state.promoting = null;
      events.push({ kind: 'halted', why });
    }
  }
  if (state.halted) {
    freeze(state, at, `Halted: ${state.halted.why}`);
    return { position: { kind: 'halted', stage: state.current, why: state.halted.why, at: state.halted.at }, events };
  }

  const match = stages.findIndex((s) => s.share === obs.share);
  if (match === -1) {
    freeze(state, at, `off the ladder: the provider's share is ${obs.share}%`);
    const expected = state.current === null ? null : stages[state.current]!.share;
    return {
      position: {
        kind: 'off',
        providerShare: obs.share,
        stage: state.current,
        why:
          expected === null
            ? `The provider's share is ${obs.share}%, which is no stage of the ladder`
            : `The provider's share is ${obs.share}%; the ladder's stage ${stageName(stages[state.current!]!)} is ${expected}%`,
      },
      events,
    };
  }
  if (state.current === null) {
    events.push(enter(state, stages, match, at, `first read on the provider at ${obs.share}%`));
  } else if (match !== state.current) {
    const promo = state.promoting && state.promoting.to === obs.share ? state.promoting : null;
    const how = promo ? `promoted by ${promo.by}` : `share changed on the provider to ${obs.share}%`;
    const left = close(state, at, how, promo?.by ?? null, figures);
    if (left) events.push(left);
    events.push(enter(state, stages, match, at, promo ? `promoted by ${promo.by}` : `share set to ${obs.share}% outside the ladder's promotion`));
    state.promoting = null;
  }

  if (obs.mode === 'live') thaw(state, at);
  else freeze(state, at, obs.mode === 'paused' ? 'Ramp paused: the hold does not count until resumed' : 'Every intent on fallback: the hold does not count');
  return { position: { kind: 'on', stage: state.current! }, events };
}

/** The owner's pick after a stop or rollback: the ladder restarts that stage's hold from zero. */
export function returnTo(
  state: LadderState,
  stages: readonly RolloutStage[],
  index: number,
  by: string,
  at: number,
  figures: StageFigures | null,
): LadderEvent[] {
  if (!stages[index]) throw new Error(`stage: the ladder has ${stages.length} stages, not ${index + 1}`);
  const why = state.halted?.why ?? 'owner reset';
  state.halted = null;
  state.promoting = null;
  const events: LadderEvent[] = [];
  const left = close(state, at, `${why}; returned to ${stageName(stages[index])} by ${by}`, by, figures);
  if (left) events.push(left);
  events.push(enter(state, stages, index, at, `returned to by ${by} after: ${why}`));
  return events;
}

export function holdRemaining(state: LadderState, stages: readonly RolloutStage[], at: number): number | null {
  if (state.current === null) return null;
  return Math.max(0, stages[state.current]!.minHoldMin * MIN_MS - heldAt(state, at));
}

/** Records a critical alert that fired while the stage was open, once per episode. */
export function noteCriticalAlert(state: LadderState, alert: { ruleId: string; name: string; at: number }): boolean {
  const span = openSpan(state);
  if (!span || alert.at < span.from) return false;
  if (span.criticalAlerts.some((a) => a.ruleId === alert.ruleId && a.at === alert.at)) return false;
  span.criticalAlerts.push(alert);
  return true;
}

export function currentSpan(state: LadderState): StageSpan | null {
  return openSpan(state);
}

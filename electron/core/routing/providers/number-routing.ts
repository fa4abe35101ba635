import type { ProviderCapabilities } from '../../../../shared/actions.js';
import { ACTION_TITLES } from '../../../../shared/action-text.js';
import type { Route, RoutingActionName, RoutingActionRequest, RoutingMode, RoutingState } from '../../../../shared/protocol.js';
import { RoutingProviderError, type RecordingCall, type RecordingSource, type RoutingProvider } from '../provider.js';

/**
 * Routing on a voice platform's phone numbers. A platform has no routing state of the console's
 * kind and no idempotency keys: the console's state is read from where each number points, and
 * an action writes absolute values (pointing a number somewhere twice points it there once), so
 * a re-send changes nothing. Before writing, the numbers are read: a number the adapter cannot
 * move is refused before anything is sent, and on a retry a number already moved since the
 * action began is not written again.
 */

/** Where a number points, in the console's terms. */
export type Placement = 'agent' | 'previous' | 'fallback' | 'human' | 'split';

export interface NumberView {
  id: string;
  /** Null when the number points somewhere the adapter does not manage; `why` says where. */
  placement: Placement | null;
  why?: string;
  /** Set when writing the number cannot move its calls (a Twilio number on a SIP trunk): why, in words. */
  stuck?: string;
  /** The agent's share of the number's calls when it is split by the platform itself (Retell's weights). */
  share?: number;
  /** The platform's time of the number's last change (ms): what orders read-backs. */
  updatedMs: number;
}

/** The Twilio splitter's share and pause, kept by the relay. */
export interface Ramp {
  share: number;
  paused: boolean;
  version: number;
}

export interface Target {
  placement: Placement;
  share?: number;
}

/** What one platform adapter supplies: reading and writing one number, and the ramp if it has one. */
export interface NumberPlatform {
  /** "Twilio". */
  readonly name: string;
  readonly numbers: readonly string[];
  readonly versions: { agent: string; previous: string | null };
  /** Placements this platform's configuration has a destination for. */
  readonly placements: ReadonlySet<Placement>;
  /** Whether shares between 0 and 100 go through the platform (weights) or a ramp. */
  readonly shares: 'none' | 'weights' | 'ramp';
  readonly intents: readonly string[];
  /** The steps to do by hand on the platform's own console when an action cannot be done or verified here. */
  manualSteps(action: RoutingActionName): string[];
  /** A fresh address for a call's recording, with the platform's credentials when it needs them. */
  recordingSource?(call: RecordingCall, signal?: AbortSignal): Promise<RecordingSource | null>;
  read(id: string, signal?: AbortSignal): Promise<NumberView>;
  write(id: string, target: Target, signal?: AbortSignal): Promise<NumberView>;
  readRamp?(signal?: AbortSignal): Promise<Ramp>;
  writeRamp?(ramp: Omit<Ramp, 'version'>, signal?: AbortSignal): Promise<Ramp>;
}

interface Attempted {
  /** The newest change seen on each number when the action was first tried. */
  seenAtStart: Map<string, number>;
  /** Numbers whose write in an earlier attempt of this action the platform answered: certainly moved. */
  written: Set<string>;
}

const REMEMBERED_KEYS = 256;

export class NumberRoutingProvider implements RoutingProvider {
  readonly capabilities: ProviderCapabilities;
  /** Which agent destination "the agent" is now: after a rollback, the previous one. */
  private inForce: 'agent' | 'previous' = 'agent';
  /** The change that last decided `inForce`: an older read (a lagging replica) never overrides it. */
  private inForceAt = Number.NEGATIVE_INFINITY;
  private readonly newestSeen = new Map<string, number>();
  private readonly attempts = new Map<string, Attempted>();
  private unmovable: string[] = [];

  constructor(private readonly platform: NumberPlatform) {
    this.capabilities = capabilitiesFor(platform);
  }

  /** The numbers the platform will not move as configured, in words, from the last read; empty when every one can be moved. */
  get warnings(): string[] {
    return [...this.unmovable];
  }

  manualSteps(action: RoutingActionName): string[] {
    return this.platform.manualSteps(action);
  }

  recordingSource(call: RecordingCall, signal?: AbortSignal): Promise<RecordingSource | null> {
    return this.platform.recordingSource?.(call, signal) ?? Promise.resolve(null);
  }

  async getState(signal?: AbortSignal): Promise<RoutingState> {
    const [views, ramp] = await Promise.all([this.readAll(signal), this.readRamp(signal)]);
    return this.stateOf(views, ramp);
  }

  async applyAction(req: RoutingActionRequest, idempotencyKey: string, signal?: AbortSignal): Promise<RoutingState> {
    const plan = this.plan(req);
    const before = await this.readAll(signal);
    this.refuseUnmovable(before);
    const attempt = this.attempted(idempotencyKey);
    const after: NumberView[] = [];
    for (const view of before) {
      // Only this action's own answered write, or a change newer than any seen when it began, shows
      // the number moved; an older read that happens to show the target may be a lagging replica
      // (Twilio dates changes to the second), so that number is written again.
      const moved = attempt.written.has(view.id) || view.updatedMs > (attempt.seenAtStart.get(view.id) ?? Number.POSITIVE_INFINITY);
      if (plan.numbers && !(moved && sameTarget(view, plan.numbers))) {
        after.push(this.observe(await this.platform.write(view.id, plan.numbers, signal)));
        attempt.written.add(view.id);
      } else {
        after.push(view);
      }
    }
    this.refuseUnmovable(after, true);
    let ramp = await this.readRamp(signal);
    if (ramp && plan.ramp && this.platform.writeRamp) {
      ramp = await this.platform.writeRamp({ share: plan.ramp.share ?? ramp.share, paused: plan.ramp.paused ?? ramp.paused }, signal);
    }
    return this.stateOf(after, ramp, true);
  }

  /** What an action writes: where every number points, and the ramp's share or pause. */
  private plan(req: RoutingActionRequest): { numbers?: Target; ramp?: { share?: number; paused?: boolean } } {
    const refuse = (why: string) =>
      new RoutingProviderError(`${this.platform.name} cannot "${ACTION_TITLES[req.action]}": ${why}; nothing was sent`, 'http', false, 400);
    if (!this.capabilities.actions.includes(req.action)) throw refuse('not offered for these numbers');
    if (req.intents && req.intents.length > 0) {
      throw refuse('a phone number does not know a call\'s intent when the call arrives, so it moves every intent or none');
    }
    const ramp = this.platform.shares === 'ramp';
    switch (req.action) {
      case 'stop_all':
      case 'route_human':
        return { numbers: { placement: 'human' } };
      case 'route_fallback':
        return { numbers: { placement: 'fallback' } };
      case 'pause_ramp':
        return { ramp: { paused: true } };
      case 'resume':
        if (this.inForce === 'previous') return { numbers: { placement: 'previous' }, ...(ramp ? { ramp: { paused: false } } : {}) };
        return ramp ? { numbers: { placement: 'split' }, ramp: { paused: false } } : { numbers: { placement: 'agent' } };
      case 'rollback': {
        return { numbers: { placement: this.inForce === 'previous' ? 'agent' : 'previous' } };
      }
      case 'set_share': {
        const share = req.share;
        if (share === undefined) throw refuse('set_share needs a share');
        if (ramp) return { numbers: { placement: 'split' }, ramp: { share } };
        return share === 100 ? { numbers: { placement: 'agent' } } : { numbers: { placement: 'split', share } };
      }
    }
  }

  private refuseUnmovable(views: NumberView[], afterWrite = false): void {
    const stuck = views.filter((v) => v.stuck !== undefined);
    if (stuck.length === 0) return;
    const why = stuck.map((v) => `${v.id} ${v.stuck}`).join('; ');
    throw new RoutingProviderError(
      afterWrite
        ? `${this.platform.name} took the change but these calls do not follow it: ${why}`
        : `${this.platform.name} cannot move these numbers as configured, so nothing was sent: ${why}`,
      'http',
      false,
      409,
    );
  }

  private async readRamp(signal?: AbortSignal): Promise<Ramp | null> {
    return this.platform.shares === 'ramp' && this.platform.readRamp ? this.platform.readRamp(signal) : null;
  }

  private attempted(key: string): Attempted {
    let entry = this.attempts.get(key);
    if (!entry) {
      entry = { seenAtStart: new Map(this.newestSeen), written: new Set() };
      this.attempts.set(key, entry);
      if (this.attempts.size > REMEMBERED_KEYS) this.attempts.delete(this.attempts.keys().next().value!);
    }
    return entry;
  }

  private async readAll(signal?: AbortSignal): Promise<NumberView[]> {
    const views = await Promise.all(this.platform.numbers.map((id) => this.platform.read(id, signal)));
    return views.map((v) => this.observe(v));
  }

  private observe(view: NumberView): NumberView {
    this.newestSeen.set(view.id, Math.max(view.updatedMs, this.newestSeen.get(view.id) ?? 0));
    return view;
  }

  /**
   * The console's routing state from where the numbers point. Numbers pointing different ways
   * have no such state: an error naming each, so a half-done change is never read as done.
   */
  private stateOf(views: NumberView[], ramp: Ramp | null, ownWrite = false): RoutingState {
    this.unmovable = views.filter((v) => v.placement === null || v.stuck !== undefined).map((v) => `${v.id} ${v.stuck ?? v.why ?? 'points elsewhere'}`);
    if (this.unmovable.length > 0) {
      throw new RoutingProviderError(`${this.platform.name}: ${this.unmovable.join('; ')}`, 'bad_reply', false);
    }
    const key = (v: NumberView) => `${v.placement}${v.placement === 'split' && v.share !== undefined ? `:${v.share}` : ''}`;
    const first = views[0]!;
    if (views.some((v) => key(v) !== key(first))) {
      throw new RoutingProviderError(
        `${this.platform.name}: the numbers point different ways (${views.map((v) => `${v.id} ${describePlacement(v)}`).join(', ')})`,
        'bad_reply',
        true,
      );
    }
    const placement = first.placement!;
    const updatedMs = Math.max(...views.map((v) => v.updatedMs));
    if ((placement === 'previous' || placement === 'agent' || placement === 'split') && (ownWrite || updatedMs > this.inForceAt)) {
      this.inForce = placement === 'previous' ? 'previous' : 'agent';
      this.inForceAt = Math.max(this.inForceAt, updatedMs);
    }
    const route: Route = placement === 'human' ? 'human' : placement === 'fallback' ? 'fallback' : 'agent';
    const mode: RoutingMode = route === 'human' ? 'stopped' : route === 'fallback' ? 'fallback' : ramp?.paused ? 'paused' : 'live';
    const { agent, previous } = this.platform.versions;
    // Where the numbers point says which version answers; on people or fallback, the one Resume brings back.
    const onPrevious = placement === 'previous' || ((placement === 'human' || placement === 'fallback') && this.inForce === 'previous');
    const rolledBack = onPrevious && previous !== null;
    return {
      version: Math.max(0, Math.floor(updatedMs)) + (ramp?.version ?? 0),
      mode,
      agentShare: agentShare(placement, first.share, ramp),
      agentVersion: rolledBack ? previous : agent,
      previousVersion: rolledBack ? agent : previous,
      intents: Object.fromEntries(this.platform.intents.map((i) => [i, route])),
      updatedAt: new Date(updatedMs).toISOString(),
      updatedBy: this.platform.name,
    };
  }
}

/** The agent's share of new calls while it takes calls; on the human line or fallback, what Resume brings back. */
function agentShare(placement: Placement, share: number | undefined, ramp: Ramp | null): number {
  if (placement === 'split') return ramp?.share ?? share ?? 100;
  if ((placement === 'human' || placement === 'fallback') && ramp) return ramp.share;
  return 100;
}

function sameTarget(view: NumberView, target: Target): boolean {
  return view.placement === target.placement && (target.share === undefined || view.share === target.share);
}

function describePlacement(v: NumberView): string {
  if (v.placement === 'split') return v.share === undefined ? 'on the splitter' : `split ${v.share}% agent`;
  return v.placement === null ? (v.why ?? 'elsewhere') : `on ${v.placement}`;
}

/** Only what the configuration gives a destination for, and never by intent. */
function capabilitiesFor(p: NumberPlatform): ProviderCapabilities {
  const actions: ProviderCapabilities['actions'] = [];
  if (p.placements.has('human')) actions.push('stop_all', 'route_human');
  if (p.placements.has('fallback')) actions.push('route_fallback');
  if (p.placements.has('previous')) actions.push('rollback');
  actions.push('resume');
  if (p.shares !== 'none') actions.push('set_share');
  if (p.shares === 'ramp') actions.push('pause_ramp');
  return { actions, intentScoped: false, name: p.name };
}

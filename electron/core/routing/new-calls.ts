import type { NewCallCounts } from '../../../shared/actions.js';
import type { CallRecord, Route } from '../../../shared/protocol.js';

/** Ended calls remembered for the back-fill: far more than start in the seconds an action takes to verify. */
const RECENT_KEPT = 8192;
/** Versions counted apart; a launch has two or three, and anything past this is counted as other. */
const VERSIONS_KEPT = 16;
export const OTHER_VERSION = '(other)';

interface Seen {
  startedAt: number;
  intent: string;
  route: Route;
  agentVersion: string;
}

/**
 * Counts the calls that started at or after a routing change, as the stream reports them ended:
 * by route, the agent's calls by version, and the calls of the intents the change moved. Fed
 * once per call; fixed memory whatever the length of the watch.
 */
export class NewCallCounter {
  private readonly counts: NewCallCounts;

  constructor(
    /** Stream time of the change, epoch ms. */
    readonly since: number,
    private readonly intents: ReadonlySet<string> | null,
  ) {
    this.counts = { calls: 0, agent: 0, agentVersions: {}, targeted: intents ? { agent: 0, fallback: 0, human: 0 } : null };
  }

  add(call: Seen): void {
    if (call.startedAt < this.since) return;
    const c = this.counts;
    c.calls += 1;
    if (call.route === 'agent') {
      c.agent += 1;
      const known = call.agentVersion in c.agentVersions || Object.keys(c.agentVersions).length < VERSIONS_KEPT;
      const version = known ? call.agentVersion : OTHER_VERSION;
      c.agentVersions[version] = (c.agentVersions[version] ?? 0) + 1;
    }
    if (c.targeted && this.intents?.has(call.intent)) c.targeted[call.route] += 1;
  }

  snapshot(): NewCallCounts {
    const c = this.counts;
    return { ...c, agentVersions: { ...c.agentVersions }, targeted: c.targeted ? { ...c.targeted } : null };
  }
}

/**
 * The newest ended calls, kept so a watch that starts seconds after its change (the read-back
 * takes time, and a fast stream ends short calls meanwhile) still counts every call since it.
 */
export class RecentCalls {
  private readonly ring: (Seen | undefined)[] = new Array<Seen | undefined>(RECENT_KEPT);
  private next = 0;

  record(call: CallRecord): Seen | null {
    const startedAt = Date.parse(call.startedAt);
    if (Number.isNaN(startedAt)) return null;
    const seen: Seen = { startedAt, intent: call.intent, route: call.route, agentVersion: call.agentVersion };
    this.ring[this.next] = seen;
    this.next = (this.next + 1) % RECENT_KEPT;
    return seen;
  }

  /** A counter for calls since `since`, filled with the remembered calls that started since then. */
  counterSince(since: number, intents: readonly string[] | null): NewCallCounter {
    const counter = new NewCallCounter(since, intents ? new Set(intents) : null);
    for (const seen of this.ring) if (seen) counter.add(seen);
    return counter;
  }
}

import type { ActionIntent, ActionOutcome } from '../../../shared/actions.js';
import { BoundedMap } from '../lib/bounded-map.js';

/**
 * When two operators press the same emergency control at once, the provider gets one action.
 *
 * Two confirms are the same decision when they ask the same thing (the same actions in the same
 * order, so "route, then pause the ramp" differs from the route alone; the same set of intents in
 * any order; the same share) of the same provider state: the routing version each confirm showed,
 * or both showing none (provider unreachable). The operator's name and reason are not part of the
 * decision, they are who took it and why. Sending the second would either repeat a change already
 * made (a second "Stop all" bumps the provider's version and writes a second action in its log and
 * ours) or act on a state its operator never saw.
 *
 * The second confirm joins the first, sending nothing, while the first is under way, or when the
 * first settled after the second was opened (its operator decided without seeing the outcome),
 * provided the first's outcome is still the newest word on the routing: it may have applied
 * (it was not a plain "not applied") and the provider is still at the version that outcome left.
 * Otherwise the second is a decision of its own and is sent as before: after a known failure a
 * second attempt cannot apply the change twice, and once someone changed the routing again, an
 * old outcome no longer answers the confirm. A confirm opened after the first settled shows the
 * state that outcome left, so it is a new decision whatever its version says.
 */
export function decisionKey(steps: readonly ActionIntent[]): string {
  const [first] = steps;
  if (!first) throw new Error('decisionKey: no steps');
  const intents = first.req.intents && first.req.intents.length > 0 ? [...new Set(first.req.intents)].sort() : null;
  return JSON.stringify({
    actions: steps.map((s) => s.req.action),
    intents,
    share: first.req.share ?? null,
    version: first.before?.version ?? null,
  });
}

/** One confirm that was sent, as far as another confirm of the same decision needs to know it. */
export interface DecisionRun {
  /** The first part's intent id of the confirm that was sent. */
  intentId: string;
  /** Who confirmed it. */
  operator: string;
  /** What its confirm was told (an interim "still trying" past the deadline). */
  told: Promise<ActionOutcome>;
  /** The final outcome, audited, once every part settled; null before, or when it could not be audited. */
  final: ActionOutcome | null;
  /** The order number of its settling; null while under way. */
  settledAt: number | null;
  /** The routing version both confirms saw, from the key; null when unknown. */
  version: number | null;
}

/** How many recent decisions are remembered; older ones are sent as before if confirmed again. */
const DECISIONS_KEPT = 16;

/** The recent confirms that were sent, by decision, and the order in which confirms were opened and settled. */
export class RecentDecisions {
  private readonly runs = new BoundedMap<string, DecisionRun>(DECISIONS_KEPT);
  private order = 0;

  /** An order number: confirms opened and decisions settled are compared by these, not by the clock, which may stand still. */
  stamp(): number {
    this.order += 1;
    return this.order;
  }

  /** The run a confirm opened at `openedAt` joins instead of being sent, or null to send it. */
  joinable(key: string, openedAt: number, currentVersion: number | null): DecisionRun | null {
    const run = this.runs.get(key);
    if (!run) return null;
    if (run.settledAt === null) return run;
    if (run.settledAt < openedAt) return null;
    if (run.final?.applied === 'no') return null;
    const left = run.final?.readBack?.version ?? run.version;
    return currentVersion === left ? run : null;
  }

  /** Remembers a confirm that is being sent; `final` settles once every part is audited. */
  sent(key: string, run: Omit<DecisionRun, 'final' | 'settledAt' | 'version'>, final: Promise<ActionOutcome>, version: number | null): void {
    const entry: DecisionRun = { ...run, final: null, settledAt: null, version };
    this.runs.set(key, entry);
    final.then(
      (outcome) => {
        entry.final = outcome;
        entry.settledAt = this.stamp();
      },
      () => {
        entry.settledAt = this.stamp();
      },
    );
  }
}

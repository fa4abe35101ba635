import type {
  AlertAcknowledgement,
  AlertLogEntry,
  AlertTransition,
  AlertTransitionKind,
} from '../../../shared/alerts.js';

/**
 * The alert history behind the alert list and the marks on the charts: a bounded ring of
 * transitions and acknowledgements, oldest first. By default only episode boundaries are
 * kept (fired, resolved); a value wobbling around a clear level or a sample count hovering at
 * the minimum would otherwise push the episodes that matter out of the ring.
 */

export interface AlertLogOptions {
  capacity?: number;
  kinds?: readonly AlertTransitionKind[];
}

export const DEFAULT_LOG_KINDS: readonly AlertTransitionKind[] = ['fired', 'resolved'];

interface OpenEpisode {
  episode: number;
  ack?: AlertAcknowledgement;
}

/**
 * What a restart needs back. Open episodes are kept apart from the ring: an acknowledgement of
 * a long-open alert may have left the ring while the episode is still up.
 */
export interface AlertLogContents {
  entries: AlertLogEntry[];
  open: { ruleId: string; episode: number; ack?: AlertAcknowledgement }[];
}

export class AlertLog {
  private readonly capacity: number;
  private readonly kinds: ReadonlySet<AlertTransitionKind>;
  private readonly ring: AlertLogEntry[] = [];
  /** One entry per rule with an open episode: bounded by the number of rules. */
  private readonly open = new Map<string, OpenEpisode>();

  constructor(options: AlertLogOptions = {}) {
    const capacity = options.capacity ?? 1000;
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`alert log capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.kinds = new Set(options.kinds ?? DEFAULT_LOG_KINDS);
  }

  /** Takes an evaluation's transitions; every one tracks episodes, the chosen kinds are kept. */
  record(transitions: readonly AlertTransition[]): void {
    for (const t of transitions) {
      if (t.kind === 'resolved') this.open.delete(t.ruleId);
      else if (t.episode !== undefined && this.open.get(t.ruleId)?.episode !== t.episode) {
        this.open.set(t.ruleId, { episode: t.episode });
      }
      if (this.kinds.has(t.kind)) this.push(t);
    }
  }

  /** Marks the rule's open episode as seen; acknowledging it again returns the first acknowledgement. */
  acknowledge(ruleId: string, operator: string, at: number): AlertAcknowledgement {
    if (operator.trim() === '') throw new Error('acknowledging an alert needs the operator\'s name');
    const episode = this.open.get(ruleId);
    if (!episode) throw new Error(`rule "${ruleId}" has no open alert to acknowledge`);
    if (episode.ack) return episode.ack;
    const ack: AlertAcknowledgement = { kind: 'acknowledged', ruleId, episode: episode.episode, operator, at };
    episode.ack = ack;
    this.push(ack);
    return ack;
  }

  /** The acknowledgement of the rule's open episode, if someone has taken it. */
  acknowledgement(ruleId: string): AlertAcknowledgement | undefined {
    return this.open.get(ruleId)?.ack;
  }

  contents(): AlertLogContents {
    return {
      entries: [...this.ring],
      open: [...this.open].map(([ruleId, o]) => (o.ack ? { ruleId, episode: o.episode, ack: o.ack } : { ruleId, episode: o.episode })),
    };
  }

  /** Replaces what is recorded with what an earlier run saved; the ring stays within its capacity. */
  restore(contents: AlertLogContents): void {
    this.ring.splice(0, this.ring.length, ...contents.entries.slice(-this.capacity));
    this.open.clear();
    for (const o of contents.open) this.open.set(o.ruleId, o.ack ? { episode: o.episode, ack: o.ack } : { episode: o.episode });
  }

  entries(): readonly AlertLogEntry[] {
    return this.ring;
  }

  /** Entries with `from <= at <= to`, for the alert marks on a chart's time range. */
  between(from: number, to: number): AlertLogEntry[] {
    return this.ring.filter((e) => e.at >= from && e.at <= to);
  }

  private push(entry: AlertLogEntry): void {
    this.ring.push(entry);
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
  }
}

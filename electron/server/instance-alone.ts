import type { ActionOutcome } from '../../shared/actions.js';
import { BRIDGE_REQUESTS } from '../../shared/bridge.js';
import { runbookFor, type LaunchConfig } from '../../shared/config.js';
import { RoutingActionNameSchema } from '../../shared/protocol.js';
import { roleMayAct, type OfflineMerge, type TeamConfig } from '../../shared/team.js';
import { ActingAlone, isAloneAction, ONLY_ALONE_ACTIONS, type AloneOperator, type AloneReason } from '../core/alone/acting-alone.js';
import { aloneDocument, AloneJournal } from '../core/alone/alone-journal.js';
import type { Actor } from '../core/engine/acting-operator.js';
import { routingProviderFor } from '../core/routing/providers/from-config.js';
import type { ConsolePush } from '../../shared/bridge.js';
import type { RoutingState } from '../../shared/protocol.js';

/** The team's log takes a journal in parts of at most this many entries. */
const MERGE_PART = 500;

export interface InstanceAloneOptions {
  dir: string;
  config: LaunchConfig;
  team: TeamConfig;
  /** This instance, in the team's words: said in the journal's entries. */
  desk: string;
  routingToken: string | undefined;
  splitterToken: string | undefined;
  now: () => number;
  notify(push: Extract<ConsolePush, { kind: 'notification' }>): void;
}

/**
 * An instance's emergency actions while the team's database cannot be reached: Pause ramp, Route
 * to fallback and Stop all, straight through the routing provider with the same read-back, kept
 * in a journal on this machine (a hash chain of its own) and added to the team's audit log, with
 * their original times and hashes, once the database is back.
 */
export class InstanceAlone {
  private constructor(
    private readonly options: InstanceAloneOptions,
    private readonly journal: AloneJournal,
    private readonly alone: ActingAlone,
  ) {}

  static async open(options: InstanceAloneOptions): Promise<InstanceAlone> {
    const secrets = [options.routingToken ?? '', options.splitterToken ?? ''].filter((s) => s !== '');
    const journal = await AloneJournal.open(options.dir, { now: options.now, secrets });
    const provider = routingProviderFor(
      options.config.routing,
      { token: options.routingToken ?? '', ...(options.splitterToken ? { splitterToken: options.splitterToken } : {}) },
      options.config.intents,
    );
    const alone = await ActingAlone.open({
      provider,
      journal,
      pending: aloneDocument(options.dir),
      routing: options.config.routing,
      intents: options.config.intents,
      desk: options.desk,
      runbookFor: (action) => runbookFor(options.config, action),
      notify: options.notify,
      now: options.now,
    });
    return new InstanceAlone(options, journal, alone);
  }

  /** Actions taken alone that the team's log does not hold yet. */
  get journaled(): number {
    return this.journal.unmergedCount;
  }

  get lastOutcome(): { outcome: ActionOutcome; at: number } | null {
    return this.alone.lastOutcome;
  }

  /** The provider's state as this instance last read it back, alone. */
  get lastRead(): { state: RoutingState; at: number } | null {
    return this.alone.lastRead;
  }

  /**
   * A window's request while the database is away: the emergency actions are taken alone; the
   * rest is refused with what still works.
   */
  async dispatch(actor: Actor, channel: unknown, request: unknown, why: AloneReason, before: RoutingState | null): Promise<unknown> {
    const who = this.who(actor);
    if (channel === 'routing:prepare') {
      const parsed = BRIDGE_REQUESTS['routing:prepare'].safeParse(request ?? {});
      if (!parsed.success) throw new Error(`routing:prepare: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return this.alone.prepare(parsed.data, who, before);
    }
    if (channel === 'routing:execute') {
      const parsed = BRIDGE_REQUESTS['routing:execute'].safeParse(request ?? {});
      if (!parsed.success) throw new Error(`routing:execute: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return this.alone.execute(parsed.data.intentId, parsed.data.reason, who, why);
    }
    throw new Error(`The team's database cannot be reached since ${new Date(why.since).toISOString()} (${why.why}): ${ONLY_ALONE_ACTIONS.replace('the team server is unreachable: ', '')}`);
  }

  /** Whether a confirm was opened here alone: its execute stays here, whatever the database does meanwhile. */
  knows(channel: unknown, request: unknown): boolean {
    const intentId = (request as { intentId?: unknown } | null)?.intentId;
    return channel === 'routing:execute' && typeof intentId === 'string' && this.alone.knows(intentId);
  }

  /** Sends what was journaled to the team's log (idempotent there) in bounded parts, marking each merged here. */
  async merge(send: (request: { journalId: string; desk: string; entries: Awaited<ReturnType<AloneJournal['unmerged']>> }) => Promise<OfflineMerge>): Promise<number> {
    let merged = 0;
    for (;;) {
      const entries = (await this.journal.unmerged()).slice(0, MERGE_PART);
      const last = entries.at(-1);
      if (!last) return merged;
      merged += (await send({ journalId: this.journal.journalId, desk: this.options.desk, entries })).merged;
      await this.journal.markMerged(last);
    }
  }

  async close(): Promise<void> {
    await this.alone.close();
    await this.journal.close();
  }

  private who(actor: Actor): AloneOperator {
    return {
      name: actor.name,
      role: actor.role,
      actions: RoutingActionNameSchema.options.filter((a) => isAloneAction(a) && roleMayAct(this.options.team.actions, actor.role, a)),
      sessionEndsAt: actor.sessionEndsAt,
    };
  }
}

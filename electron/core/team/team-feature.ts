import { z } from 'zod';
import type { ShiftOwner } from '../../../shared/cadence.js';
import { RoutingActionNameSchema } from '../../../shared/protocol.js';
import {
  ACCESS_LEVELS,
  roleMay,
  roleMayAct,
  ROLES,
  TEAM_ONLY,
  type AccessLevel,
  type ActionPermissions,
  type HandoverOffer,
  type Me,
  type Role,
  type TeamHealth,
  type TeamView,
} from '../../../shared/team.js';
import { currentActor, type Actor } from '../engine/acting-operator.js';
import type { ConsoleContext, Feature, Handlers } from '../engine/feature.js';
import { Serial } from '../lib/serial.js';
import type { JsonDocument } from '../storage/ports.js';
import { OfflineMerger } from './offline-merge.js';
import type { PresenceBoard } from './presence.js';

type TeamChannels =
  | 'team:me'
  | 'team:presence'
  | 'team:take-shift'
  | 'team:offer-handover'
  | 'team:accept-handover'
  | 'team:cancel-handover'
  | 'team:merge-offline';

const OfferSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1).nullable(),
  note: z.string(),
  offeredAt: z.number(),
});
const OfferDocSchema = z.strictObject({ version: z.literal(1), offer: OfferSchema.nullable() });

/** What the team feature is given by the service: the shift as the cadence keeps it, and the team's operators. */
export interface TeamHooks {
  currentOwner(): ShiftOwner | null;
  setShiftOwner(name: string, note: string | undefined, by: string): Promise<ShiftOwner>;
  /** The role of a named operator of the team, null for a name the team does not know. */
  roleOf(name: string): Role | null;
  /** Who has the console open, in every instance of the server. */
  presence: PresenceBoard;
  /** The servers and the database as this instance sees them. */
  health(): TeamHealth | null;
}

/**
 * The people side of team mode: who is here (presence) and how the shift passes from one
 * operator to the next (offered by the owner, accepted by the next, both audited). On one desk
 * it answers that there is no team.
 */
export class TeamFeature implements Feature {
  private readonly serial = new Serial();
  readonly handlers: Pick<Handlers, TeamChannels>;

  private constructor(
    private readonly ctx: ConsoleContext,
    private readonly team: { hooks: TeamHooks; permissions: ActionPermissions; doc: JsonDocument; merger: OfflineMerger } | null,
    private offer: HandoverOffer | null,
  ) {
    this.handlers = {
      'team:me': () => this.me(),
      'team:presence': ({ screen }) => {
        const actor = this.actor();
        this.team!.hooks.presence.showing(actor.connectionId, screen);
        return { ok: true };
      },
      'team:take-shift': ({ note }) => this.serial.run(() => this.takeShift(note)),
      'team:offer-handover': ({ to, note }) => this.serial.run(() => this.offerHandover(to ?? null, note)),
      'team:accept-handover': () => this.serial.run(() => this.acceptHandover()),
      'team:cancel-handover': () => this.serial.run(() => this.cancelHandover()),
      'team:merge-offline': ({ journalId, desk, entries }) => {
        const actor = this.actor();
        return this.serial.run(() => this.team!.merger.merge(actor, journalId, desk, entries));
      },
    };
  }

  static async open(ctx: ConsoleContext, team: { hooks: TeamHooks; permissions: ActionPermissions } | null): Promise<TeamFeature> {
    if (!team) return new TeamFeature(ctx, null, null);
    const doc = ctx.storage.document('team-handover');
    const read = await doc.read();
    const parsed = read.kind === 'stored' ? OfferDocSchema.safeParse(read.value) : null;
    if (read.kind !== 'none' && !parsed?.success) {
      const aside = await doc.setAside('unreadable');
      ctx.storageFailed('the handover offer', new Error(`the stored offer could not be read and was kept at ${aside}; the current owner offers the shift again`));
    }
    const merger = await OfflineMerger.open(ctx.audit);
    return new TeamFeature(ctx, { ...team, doc, merger }, parsed?.success ? parsed.data.offer : null);
  }

  view(): TeamView | null {
    if (!this.team) return null;
    return { present: this.team.hooks.presence.list(), handover: this.offer, health: this.team.hooks.health() };
  }

  async close(): Promise<void> {
    await this.serial.idle();
  }

  private me(): Me {
    if (!this.team) return { mode: 'single' };
    const actor = this.actor();
    const may = Object.fromEntries(ACCESS_LEVELS.map((l) => [l, roleMay(actor.role, l)])) as Record<AccessLevel, boolean>;
    const actions = RoutingActionNameSchema.options.filter((a) => roleMayAct(this.team!.permissions, actor.role, a));
    return { mode: 'team', name: actor.name, role: actor.role, sessionEndsAt: actor.sessionEndsAt, may, actions };
  }

  private actor(): Actor {
    if (!this.team) throw new Error(TEAM_ONLY);
    const actor = currentActor();
    if (!actor) throw new Error('team: this request carries no signed-in operator');
    return actor;
  }

  private async takeShift(note: string | undefined): Promise<ShiftOwner> {
    const actor = this.actor();
    const { hooks } = this.team!;
    const owner = hooks.currentOwner();
    if (owner?.name === actor.name) return owner;
    // An admin may take a shift whose owner has gone (a laptop shut, a person off sick); anyone else is handed it.
    if (owner && actor.role !== 'admin') {
      throw new Error(`${owner.name} owns the shift: they offer it to you, or an admin takes it over`);
    }
    const taken = await hooks.setShiftOwner(actor.name, note, actor.name);
    await this.setOffer(null);
    return taken;
  }

  private async offerHandover(to: string | null, note: string): Promise<HandoverOffer> {
    const actor = this.actor();
    const { hooks } = this.team!;
    const owner = hooks.currentOwner();
    if (owner?.name !== actor.name) {
      throw new Error(owner ? `only the shift owner (${owner.name}) offers the shift` : 'nobody owns the shift: take it instead of offering it');
    }
    if (to !== null) {
      if (to === actor.name) throw new Error('to: you already own the shift');
      const role = hooks.roleOf(to);
      if (!role) throw new Error(`to: "${to}" is not an operator of this team`);
      if (!roleMay(role, 'operate')) throw new Error(`to: ${to} is a ${role}; the shift goes to an operator or an admin (roles: ${ROLES.join(', ')})`);
    }
    const offer: HandoverOffer = { from: actor.name, to, note, offeredAt: this.ctx.now() };
    await this.setOffer(offer);
    await this.ctx.audit.append({
      type: 'shift',
      operator: actor.name,
      summary: `${actor.name} offers the shift to ${to ?? 'the next operator'}; handover note: ${note}`,
      data: { offeredTo: to, handoverNote: note },
    });
    return offer;
  }

  private async acceptHandover(): Promise<ShiftOwner> {
    const actor = this.actor();
    const offer = this.offer;
    if (!offer) throw new Error('no handover is offered: the shift owner offers it first');
    if (offer.to !== null && offer.to !== actor.name) throw new Error(`the shift is offered to ${offer.to}, not to you`);
    if (offer.from === actor.name) throw new Error('you offered this shift: another operator accepts it');
    const owner = this.team!.hooks.currentOwner();
    if (owner?.name !== offer.from) {
      await this.setOffer(null);
      throw new Error(`the offer lapsed: ${owner ? `${owner.name} owns the shift now` : 'nobody owns the shift now'}`);
    }
    const taken = await this.team!.hooks.setShiftOwner(actor.name, offer.note, actor.name);
    await this.setOffer(null);
    return taken;
  }

  private async cancelHandover(): Promise<{ ok: true }> {
    const actor = this.actor();
    const offer = this.offer;
    if (!offer) return { ok: true };
    if (offer.from !== actor.name && actor.role !== 'admin') throw new Error(`only ${offer.from}, who offered the shift, or an admin withdraws the offer`);
    await this.setOffer(null);
    await this.ctx.audit.append({
      type: 'shift',
      operator: actor.name,
      summary: `${actor.name} withdrew the offer of the shift${offer.to ? ` to ${offer.to}` : ''}`,
      data: { offeredBy: offer.from, offeredTo: offer.to },
    });
    return { ok: true };
  }

  /** The offer is kept before it is shown, so a restart of the server does not lose a handover half done. */
  private async setOffer(offer: HandoverOffer | null): Promise<void> {
    await this.team!.doc.write({ version: 1, offer });
    this.offer = offer;
  }
}

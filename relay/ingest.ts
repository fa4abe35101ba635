import type { CallRecord, Route } from '../shared/protocol.js';
import type { MappedCall } from './call-parts.js';
import type { Journal, JournalRecord } from './journal.js';
import { FINAL_STATUSES, twilioCall, type TwilioStatus } from './map-twilio.js';

/**
 * Deliveries in, one call record per ended call out. Decisions are made synchronously, in
 * arrival order, so two copies of one delivery racing each other are told apart; each
 * decision's journal record is durable before the webhook is answered.
 *
 * - A repeated delivery (same key) is a duplicate: answered 2xx, written nowhere.
 * - A Retell call waits for its `call_analyzed` (or `holdMs`), then goes out once.
 * - A Twilio callback for a call a Vapi or Retell report names (by CallSid) folds into that
 *   call; one for a call no agent platform reports goes out on its own after `twilioHoldMs`.
 */

export type Outcome = 'accepted' | 'duplicate' | 'merged' | 'ignored';

export interface Decision {
  outcome: Outcome;
  durable: Promise<void>;
}

export interface IngestOptions {
  retellHoldMs: number;
  twilioHoldMs: number;
  twilioRoute(to: string): Route;
  defaultIntent: string;
  /** Signatures stay replayable for this long, so remembering them that long refuses replays. */
  signatureWindowMs: number;
}

interface Hold {
  until: number;
  keys: string[];
  sig?: string;
}
interface RetellHold extends Hold {
  mapped: MappedCall;
}
interface TwilioHold extends Hold {
  best: TwilioStatus;
  receivedAt: number;
}

type TwilioHoldState = { platform: 'twilio'; best: TwilioStatus; receivedAt: number };
type RetellHoldState = { platform: 'retell'; mapped: MappedCall };

/** Long enough for any status Twilio still sends about a call; then a call with no final status is forgotten. */
const UNFINISHED_TWILIO_MS = 6 * 3_600_000;
const KEYS_KEPT = 300_000;

/** A Set that forgets its oldest entries past `capacity`, so dedupe memory stays bounded. */
class RecentMap<V> extends Map<string, V> {
  constructor(private readonly capacity: number) {
    super();
  }
  override set(key: string, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.capacity) {
      const oldest = this.keys().next();
      if (!oldest.done) super.delete(oldest.value);
    }
    return this;
  }
}

export class Ingest {
  private readonly seen = new RecentMap<true>(KEYS_KEPT);
  private readonly sent = new RecentMap<string>(KEYS_KEPT);
  private readonly sidToCall = new RecentMap<string>(KEYS_KEPT);
  private readonly signatures = new Map<string, number>();
  private readonly retellHolds = new Map<string, RetellHold>();
  private readonly twilioHolds = new Map<string, TwilioHold>();
  private lastAgentVersion: string | null = null;
  private journalRef: Journal | null = null;

  constructor(private readonly options: IngestOptions) {}

  /** The journal new records go to; set once it has replayed its stored records here. */
  attach(journal: Journal): void {
    this.journalRef = journal;
  }

  private get journal(): Journal {
    if (!this.journalRef) throw new Error('ingest: no journal attached');
    return this.journalRef;
  }

  /** Rebuilds the state from one stored record, oldest first. */
  replay(record: JournalRecord): void {
    for (const key of record.keys) this.seen.set(key, true);
    if (record.sig) this.signatures.set(record.sig, record.at);
    if (record.k === 'call') {
      this.noteSent(record.call, record.key, record.sids);
    } else if (record.k === 'hold') {
      const state = record.state as TwilioHoldState | RetellHoldState | null;
      if (state === null) {
        this.retellHolds.delete(record.id);
        this.twilioHolds.delete(record.id);
      } else if (state.platform === 'retell') {
        this.retellHolds.set(record.id, { until: record.until, keys: record.keys, mapped: state.mapped });
      } else {
        this.twilioHolds.set(record.id, { until: record.until, keys: record.keys, best: state.best, receivedAt: state.receivedAt });
      }
    }
  }

  get agentVersion(): string | null {
    return this.lastAgentVersion;
  }

  get held(): number {
    return this.retellHolds.size + this.twilioHolds.size;
  }

  /** True when this exact signature was accepted within its validity window: a replayed request. */
  isReplay(sig: string | undefined, now: number): boolean {
    if (sig === undefined) return false;
    const at = this.signatures.get(sig);
    return at !== undefined && now - at <= this.options.signatureWindowMs;
  }

  vapi(deliveryKey: string, mapped: MappedCall, sig: string | undefined, now: number): Decision {
    if (this.seen.has(deliveryKey) || this.sent.has(mapped.callKey)) return duplicate();
    this.remember([deliveryKey], sig, now);
    return { outcome: 'accepted', durable: this.send(mapped, [deliveryKey], sig, now) };
  }

  retell(event: 'call_ended' | 'call_analyzed', deliveryKey: string, mapped: MappedCall, sig: string | undefined, now: number): Decision {
    if (this.seen.has(deliveryKey)) return duplicate();
    this.remember([deliveryKey], sig, now);
    if (this.sent.has(mapped.callKey)) {
      return { outcome: 'merged', durable: this.journal.append({ k: 'merge', at: now, keys: [deliveryKey], into: this.sent.get(mapped.callKey) ?? '', ...(sig ? { sig } : {}) }) };
    }
    const hold = this.retellHolds.get(mapped.callKey);
    if (event === 'call_analyzed') {
      this.retellHolds.delete(mapped.callKey);
      return { outcome: 'accepted', durable: this.send(mapped, [...(hold?.keys ?? []), deliveryKey], sig, now) };
    }
    const next: RetellHold = { until: now + this.options.retellHoldMs, keys: [...(hold?.keys ?? []), deliveryKey], mapped };
    this.retellHolds.set(mapped.callKey, next);
    const state: RetellHoldState = { platform: 'retell', mapped };
    return { outcome: 'accepted', durable: this.journal.append({ k: 'hold', at: now, id: mapped.callKey, until: next.until, keys: next.keys, ...(sig ? { sig } : {}), state }) };
  }

  twilio(status: TwilioStatus, now: number): Decision {
    if (this.seen.has(status.deliveryKey)) return duplicate();
    this.remember([status.deliveryKey], undefined, now);
    const into = this.sidToCall.get(status.sid);
    if (into !== undefined) {
      return { outcome: 'merged', durable: this.journal.append({ k: 'merge', at: now, keys: [status.deliveryKey], into }) };
    }
    const id = status.sid;
    const hold = this.twilioHolds.get(id);
    const best = hold && hold.best.sequence > status.sequence ? hold.best : status;
    const final = FINAL_STATUSES.has(best.status);
    const until = final ? Math.min(hold && FINAL_STATUSES.has(hold.best.status) ? hold.until : Infinity, now + this.options.twilioHoldMs) : now + UNFINISHED_TWILIO_MS;
    const next: TwilioHold = { until, keys: [...(hold?.keys ?? []), status.deliveryKey], best, receivedAt: now };
    this.twilioHolds.set(id, next);
    const state: TwilioHoldState = { platform: 'twilio', best, receivedAt: now };
    return { outcome: 'accepted', durable: this.journal.append({ k: 'hold', at: now, id, until, keys: next.keys, state }) };
  }

  /** Sends every call whose hold has run out; returns the durability of what it wrote. */
  tick(now: number): Promise<void>[] {
    const writes: Promise<void>[] = [];
    for (const [id, hold] of this.retellHolds) {
      if (hold.until > now) continue;
      this.retellHolds.delete(id);
      writes.push(this.send(hold.mapped, hold.keys, undefined, now));
    }
    for (const [sid, hold] of this.twilioHolds) {
      if (hold.until > now) continue;
      this.twilioHolds.delete(sid);
      if (FINAL_STATUSES.has(hold.best.status)) {
        const call = twilioCall(hold.best, this.options.twilioRoute(hold.best.to), this.options.defaultIntent, hold.receivedAt);
        writes.push(this.send({ callKey: `twilio:${sid}`, call, twilioSid: sid }, hold.keys, undefined, now));
      } else {
        writes.push(this.journal.append({ k: 'hold', at: now, id: sid, until: 0, keys: [], state: null }));
      }
    }
    for (const [sig, at] of this.signatures) if (now - at > this.options.signatureWindowMs) this.signatures.delete(sig);
    return writes;
  }

  private remember(keys: string[], sig: string | undefined, now: number): void {
    for (const key of keys) this.seen.set(key, true);
    if (sig) this.signatures.set(sig, now);
  }

  /** Writes the call for the stream, taking in the Twilio callbacks held for its CallSid. */
  private send(mapped: MappedCall, keys: string[], sig: string | undefined, now: number): Promise<void> {
    const sids = mapped.twilioSid ? [mapped.twilioSid] : [];
    let call = mapped.call;
    for (const sid of sids) {
      const held = this.twilioHolds.get(sid);
      if (!held) continue;
      this.twilioHolds.delete(sid);
      keys = [...keys, ...held.keys];
      call = { ...call, telephony: { callSid: sid, status: held.best.status } };
    }
    const record = { key: mapped.callKey, at: now, keys, sids, ...(sig ? { sig } : {}), call };
    this.noteSent(call, mapped.callKey, sids);
    return this.journal.appendCall(record).durable;
  }

  private noteSent(call: CallRecord, callKey: string, sids: string[]): void {
    this.sent.set(callKey, call.id);
    this.retellHolds.delete(callKey);
    for (const sid of sids) {
      this.sidToCall.set(sid, call.id);
      this.twilioHolds.delete(sid);
    }
    if (call.route === 'agent' && call.agentVersion !== 'twilio') this.lastAgentVersion = call.agentVersion;
  }
}

const duplicate = (): Decision => ({ outcome: 'duplicate', durable: Promise.resolve() });

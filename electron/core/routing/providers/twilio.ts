import { z } from 'zod';
import { ACTION_TITLES } from '../../../../shared/action-text.js';
import type { RoutingActionName } from '../../../../shared/protocol.js';
import type { TwilioDestination, TwilioRoutingConfig } from '../../../../shared/routing-config.js';
import type { RecordingCall, RecordingSource } from '../provider.js';
import { NumberRoutingProvider, type NumberPlatform, type NumberView, type Placement, type Ramp, type Target } from './number-routing.js';
import { PlatformHttp } from './platform-http.js';

/**
 * Twilio phone numbers (REST API 2010-04-01): a number's calls go where its VoiceUrl's TwiML
 * sends them, so moving calls is updating IncomingPhoneNumbers/{PN…}.json. Twilio's precedence
 * is honoured: a number on a SIP trunk or a TwiML app ignores its VoiceUrl, so such a number is
 * refused before anything is sent and never read as moved. Shares between 0 and 100 go through
 * the relay's TwiML splitter, whose share and pause the relay keeps behind a bearer token.
 */

export interface TwilioSecrets {
  /** The auth token, or the API key's secret when `apiKeySid` is set. */
  token: string;
  /** The relay splitter's token, when the configuration has a splitter. */
  splitterToken?: string;
}

/** The fields of IncomingPhoneNumber the adapter reads; Twilio sends many more. */
const NumberSchema = z.looseObject({
  sid: z.string(),
  phone_number: z.string(),
  voice_url: z.string().nullable(),
  voice_method: z.string().nullable(),
  voice_fallback_url: z.string().nullable(),
  voice_application_sid: z.string().nullable(),
  trunk_sid: z.string().nullable(),
  date_updated: z.string(),
});
type TwilioNumber = z.infer<typeof NumberSchema>;

const RampSchema = z.object({ share: z.number().min(0).max(100), paused: z.boolean(), version: z.number().int().nonnegative() });

export function twilioProvider(config: TwilioRoutingConfig, secrets: TwilioSecrets, intents: readonly string[]): NumberRoutingProvider {
  return new NumberRoutingProvider(new TwilioNumbers(config, secrets, intents));
}

export const SPLITTER_TWIML_PATH = '/twiml/split';
export const SPLITTER_SHARE_PATH = '/splitter/share';

class TwilioNumbers implements NumberPlatform {
  readonly name = 'Twilio';
  readonly numbers: readonly string[];
  readonly versions: { agent: string; previous: string | null };
  readonly placements: ReadonlySet<Placement>;
  readonly shares: 'none' | 'ramp';
  private readonly http: PlatformHttp;
  private readonly base: string;
  private readonly auth: string;
  private readonly destinations: Map<Placement, TwilioDestination>;

  constructor(
    private readonly config: TwilioRoutingConfig,
    private readonly secrets: TwilioSecrets,
    readonly intents: readonly string[],
  ) {
    this.numbers = config.numbers;
    this.versions = { agent: config.agent.version, previous: config.previousAgent?.version ?? null };
    this.destinations = new Map<Placement, TwilioDestination>([
      ['agent', config.agent],
      ['human', config.human],
    ]);
    if (config.previousAgent) this.destinations.set('previous', config.previousAgent);
    if (config.fallback) this.destinations.set('fallback', config.fallback);
    if (config.splitter) {
      this.destinations.set('split', { voiceUrl: `${config.splitter.relayUrl}${SPLITTER_TWIML_PATH}`, voiceMethod: 'POST', voiceFallbackUrl: config.human.voiceUrl });
    }
    this.placements = new Set(this.destinations.keys());
    this.shares = config.splitter ? 'ramp' : 'none';
    this.base = `${config.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${config.accountSid}`;
    const user = config.apiKeySid ?? config.accountSid;
    this.auth = `Basic ${Buffer.from(`${user}:${secrets.token}`).toString('base64')}`;
    this.http = new PlatformHttp({
      platform: 'Twilio',
      timeoutMs: config.timeoutMs,
      deadlineMs: config.deadlineMs,
      secrets: [secrets.token, secrets.splitterToken ?? '', this.auth],
    });
  }

  async read(sid: string, signal?: AbortSignal): Promise<NumberView> {
    const reply = await this.http.send({ what: `GET IncomingPhoneNumbers/${sid}`, method: 'GET', url: this.numberUrl(sid), headers: { Authorization: this.auth } }, signal);
    return this.view(sid, reply.body);
  }

  async write(sid: string, target: Target, signal?: AbortSignal): Promise<NumberView> {
    const to = this.destinations.get(target.placement);
    if (!to) throw this.http.error(`Twilio: no ${target.placement} destination is configured`, 'http', false, 400);
    // Absolute values, every one of them: sent twice, the number ends where it would after once.
    const form = new URLSearchParams({
      VoiceUrl: to.voiceUrl,
      VoiceMethod: to.voiceMethod,
      VoiceFallbackUrl: to.voiceFallbackUrl ?? '',
    });
    const reply = await this.http.send(
      {
        what: `POST IncomingPhoneNumbers/${sid} (${target.placement})`,
        method: 'POST',
        url: this.numberUrl(sid),
        headers: { Authorization: this.auth, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      },
      signal,
    );
    return this.view(sid, reply.body);
  }

  async readRamp(signal?: AbortSignal): Promise<Ramp> {
    const reply = await this.http.send({ what: 'GET the splitter\'s share', method: 'GET', url: this.shareUrl(), headers: this.splitterHeaders() }, signal);
    return this.ramp(reply.body);
  }

  async writeRamp(ramp: Omit<Ramp, 'version'>, signal?: AbortSignal): Promise<Ramp> {
    const reply = await this.http.send(
      {
        what: `PUT the splitter's share (${ramp.share}%${ramp.paused ? ', paused' : ''})`,
        method: 'PUT',
        url: this.shareUrl(),
        headers: { ...this.splitterHeaders(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ share: ramp.share, paused: ramp.paused }),
      },
      signal,
    );
    return this.ramp(reply.body);
  }

  manualSteps(action: RoutingActionName): string[] {
    const where = (p: Placement) => {
      const d = this.destinations.get(p);
      return d ? `"A call comes in" to Webhook ${d.voiceUrl} (HTTP ${d.voiceMethod})${d.voiceFallbackUrl ? `, "Primary handler fails" to ${d.voiceFallbackUrl}` : ''}` : null;
    };
    const onEach = (p: Placement) => {
      const set = where(p);
      return set
        ? [`In the Twilio console, Phone Numbers > Manage > Active numbers: on each of ${this.numbers.join(', ')}, set ${set} and save`]
        : [`No ${p} destination is configured for Twilio: add "${p}" to routing in the launch configuration, or move the numbers by hand`];
    };
    const check = `Check each number's Voice Configuration shows no SIP trunk and no TwiML app (either overrides the webhook), then place a test call`;
    switch (action) {
      case 'stop_all':
      case 'route_human':
        return [...onEach('human'), check];
      case 'route_fallback':
        return [...onEach('fallback'), check];
      case 'rollback':
        return [...onEach('previous'), check];
      case 'resume':
        return [...onEach(this.config.splitter ? 'split' : 'agent'), check];
      case 'set_share':
      case 'pause_ramp':
        return this.config.splitter
          ? [`${ACTION_TITLES[action]} needs the relay at ${this.config.splitter.relayUrl}: check it answers /healthz, or send every call to the agent or the human line instead`, ...onEach('split')]
          : [`Twilio numbers take every call or none without a splitter: add "splitter" to routing and point the numbers at the relay for shares between 0 and 100`];
    }
  }

  async recordingSource(call: RecordingCall, signal?: AbortSignal): Promise<RecordingSource | null> {
    const api = new URL(this.base).host;
    if (call.recordingUrl && new URL(call.recordingUrl).host === api) return { url: call.recordingUrl, headers: { Authorization: this.auth } };
    if (call.recordingUrl) return { url: call.recordingUrl, headers: {} };
    const callSid = /^twilio-(CA[0-9a-fA-F]{32})$/.exec(call.id)?.[1];
    if (!callSid) return null;
    const reply = await this.http.send(
      { what: `GET Calls/${callSid}/Recordings`, method: 'GET', url: `${this.base}/Calls/${callSid}/Recordings.json`, headers: { Authorization: this.auth } },
      signal,
    );
    const list = z.object({ recordings: z.array(z.looseObject({ sid: z.string() })) }).safeParse(reply.body);
    const first = list.success ? list.data.recordings[0] : undefined;
    return first ? { url: `${this.base}/Recordings/${first.sid}.mp3`, headers: { Authorization: this.auth } } : null;
  }

  private view(sid: string, body: unknown): NumberView {
    const parsed = NumberSchema.safeParse(body);
    if (!parsed.success || parsed.data.sid !== sid) {
      throw this.http.error(`Twilio: the reply for ${sid} is not that IncomingPhoneNumber`, 'bad_reply', true);
    }
    const n = parsed.data;
    const updatedMs = Date.parse(n.date_updated);
    const view: NumberView = { id: sid, placement: this.placementOf(n), updatedMs: Number.isNaN(updatedMs) ? 0 : updatedMs };
    if (n.trunk_sid) view.stuck = `(${n.phone_number}) is on SIP trunk ${n.trunk_sid}: Twilio sends its calls to the trunk whatever VoiceUrl says; take it off the trunk in the Twilio console first`;
    else if (n.voice_application_sid) view.stuck = `(${n.phone_number}) uses TwiML app ${n.voice_application_sid}: the app's Voice URL wins over the number's; clear the app in the Twilio console first`;
    if (view.placement === null) view.why = `(${n.phone_number}) points at ${n.voice_url || 'no Voice URL'}, none of the configured destinations`;
    return view;
  }

  private placementOf(n: TwilioNumber): Placement | null {
    for (const [placement, d] of this.destinations) {
      if (n.voice_url === d.voiceUrl && (n.voice_method ?? 'POST').toUpperCase() === d.voiceMethod && (n.voice_fallback_url ?? '') === (d.voiceFallbackUrl ?? '')) {
        return placement;
      }
    }
    return null;
  }

  private ramp(body: unknown): Ramp {
    const parsed = RampSchema.safeParse(body);
    if (!parsed.success) throw this.http.error('Twilio splitter: the relay\'s reply is not a share', 'bad_reply', true);
    return parsed.data;
  }

  private numberUrl(sid: string): string {
    return `${this.base}/IncomingPhoneNumbers/${sid}.json`;
  }

  private shareUrl(): string {
    return `${this.config.splitter!.relayUrl}${SPLITTER_SHARE_PATH}`;
  }

  private splitterHeaders(): Record<string, string> {
    return { Authorization: `Bearer ${this.secrets.splitterToken ?? ''}` };
  }
}

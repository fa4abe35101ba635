import { z } from 'zod';
import type { PhoneNumberUpdateParams } from 'retell-sdk/resources/phone-number';
import type { RoutingActionName } from '../../../../shared/protocol.js';
import type { RetellRoutingConfig } from '../../../../shared/routing-config.js';
import type { RecordingCall, RecordingSource } from '../provider.js';
import { NumberRoutingProvider, type NumberPlatform, type NumberView, type Placement, type Target } from './number-routing.js';
import { PlatformHttp } from './platform-http.js';

/**
 * Retell phone numbers (PATCH /update-phone-number/{number}, GET /get-phone-number/{number},
 * bearer API key). A number answers with its weighted inbound agents: the agent at its version,
 * at the previous version after a rollback, the fallback agent, or the agent that transfers to
 * the human line (a Retell number cannot ring a person itself). A share between 0 and 100 is two
 * weighted inbound agents, the agent and the human-line agent, which Retell picks per call.
 */

const AgentSchema = z.looseObject({ agent_id: z.string(), weight: z.number(), agent_version: z.union([z.string(), z.number()]).optional() });
const NumberSchema = z.looseObject({
  phone_number: z.string(),
  last_modification_timestamp: z.number(),
  inbound_agents: z.array(AgentSchema).nullish(),
});
type InboundAgent = NonNullable<PhoneNumberUpdateParams['inbound_agents']>[number];

export function retellProvider(config: RetellRoutingConfig, token: string, intents: readonly string[]): NumberRoutingProvider {
  return new NumberRoutingProvider(new RetellNumbers(config, token, intents));
}

class RetellNumbers implements NumberPlatform {
  readonly name = 'Retell';
  readonly numbers: readonly string[];
  readonly versions: { agent: string; previous: string | null };
  readonly placements: ReadonlySet<Placement>;
  readonly shares: 'none' | 'weights';
  private readonly http: PlatformHttp;
  private readonly base: string;
  private readonly agents = new Map<Placement, { agentId: string; version?: number | undefined }>();

  constructor(
    private readonly config: RetellRoutingConfig,
    private readonly token: string,
    readonly intents: readonly string[],
  ) {
    this.numbers = config.numbers;
    // As the relay names a Retell call's agent version, so the recovery watch can match them.
    const name = (v: number) => `${config.agent.agentId}@${v}`;
    this.versions = { agent: name(config.agent.version), previous: config.previousVersion === undefined ? null : name(config.previousVersion) };
    this.agents.set('agent', config.agent);
    if (config.previousVersion !== undefined) this.agents.set('previous', { agentId: config.agent.agentId, version: config.previousVersion });
    if (config.fallback) this.agents.set('fallback', config.fallback);
    if (config.human) this.agents.set('human', config.human);
    this.placements = new Set(this.agents.keys());
    this.shares = config.human ? 'weights' : 'none';
    this.base = config.baseUrl.replace(/\/+$/, '');
    this.http = new PlatformHttp({ platform: 'Retell', timeoutMs: config.timeoutMs, deadlineMs: config.deadlineMs, secrets: [token] });
  }

  async read(number: string, signal?: AbortSignal): Promise<NumberView> {
    const reply = await this.http.send(
      { what: `GET /get-phone-number/${number}`, method: 'GET', url: `${this.base}/get-phone-number/${encodeURIComponent(number)}`, headers: this.headers() },
      signal,
    );
    return this.view(number, reply.body);
  }

  async write(number: string, target: Target, signal?: AbortSignal): Promise<NumberView> {
    const body = { inbound_agents: this.inboundAgents(target) } satisfies PhoneNumberUpdateParams;
    const reply = await this.http.send(
      {
        what: `PATCH /update-phone-number/${number} (${target.placement}${target.share !== undefined ? ` ${target.share}%` : ''})`,
        method: 'PATCH',
        url: `${this.base}/update-phone-number/${encodeURIComponent(number)}`,
        headers: { ...this.headers(), 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      },
      signal,
    );
    return this.view(number, reply.body);
  }

  manualSteps(action: RoutingActionName): string[] {
    const numbers = this.numbers.join(', ');
    const bind = (p: Placement) => {
      const a = this.agents.get(p);
      return a
        ? [`In the Retell dashboard, Phone Numbers: on each of ${numbers}, set the inbound call agent to ${a.agentId}${a.version !== undefined ? ` version ${a.version}` : ''} (one agent, weight 100%) and save`]
        : [`No ${p} agent is configured for Retell: add "${p}" to routing in the launch configuration, or bind the numbers by hand`];
    };
    const check = 'Check the number has no inbound webhook that picks another agent, then place a test call';
    switch (action) {
      case 'stop_all':
      case 'route_human':
        return [...bind('human'), check];
      case 'route_fallback':
        return [...bind('fallback'), check];
      case 'rollback':
        return [...bind('previous'), check];
      case 'resume':
        return [...bind('agent'), check];
      case 'set_share':
        return this.config.human
          ? [`In the Retell dashboard, Phone Numbers: on each of ${numbers}, bind two inbound agents, ${this.config.agent.agentId} version ${this.config.agent.version} and ${this.config.human.agentId}, weighted by the share, and save`]
          : ['A share on Retell needs a human-line agent: add "human" to routing in the launch configuration'];
      case 'pause_ramp':
        return ['Retell keeps no ramp: the weights stay where they are until changed. Note the share, and do not raise it until the launch is reviewed'];
    }
  }

  /** The call read again from Retell: its recording link is signed and expires. */
  async recordingSource(call: RecordingCall, signal?: AbortSignal): Promise<RecordingSource | null> {
    const id = /^retell-(.+)$/.exec(call.id)?.[1];
    if (!id) return call.recordingUrl ? { url: call.recordingUrl, headers: {} } : null;
    const reply = await this.http.send(
      { what: `GET /v2/get-call/${id}`, method: 'GET', url: `${this.base}/v2/get-call/${encodeURIComponent(id)}`, headers: this.headers() },
      signal,
    );
    const parsed = z.looseObject({ recording_url: z.string().optional() }).safeParse(reply.body);
    const url = parsed.success ? parsed.data.recording_url : undefined;
    return url ? { url, headers: {} } : null;
  }

  private inboundAgents(target: Target): InboundAgent[] {
    const one = (p: Placement, weight: number): InboundAgent => {
      const a = this.agents.get(p);
      if (!a) throw this.http.error(`Retell: no ${p} agent is configured`, 'http', false, 400);
      return { agent_id: a.agentId, weight, ...(a.version !== undefined ? { agent_version: a.version } : {}) };
    };
    if (target.placement !== 'split') return [one(target.placement, 1)];
    // Weights in ten-thousandths, so they add up to exactly 1 as Retell requires.
    const agent = Math.round((target.share ?? 100) * 100) / 10_000;
    return [one('agent', agent), one('human', Math.round((1 - agent) * 10_000) / 10_000)];
  }

  private view(number: string, body: unknown): NumberView {
    const parsed = NumberSchema.safeParse(body);
    if (!parsed.success || parsed.data.phone_number !== number) throw this.http.error(`Retell: the reply for ${number} is not that phone number`, 'bad_reply', true);
    const n = parsed.data;
    const view: NumberView = { id: number, placement: null, updatedMs: n.last_modification_timestamp };
    const bound = n.inbound_agents ?? [];
    const is = (a: z.infer<typeof AgentSchema>, p: Placement) => {
      const want = this.agents.get(p);
      return want !== undefined && a.agent_id === want.agentId && (want.version === undefined || String(a.agent_version) === String(want.version));
    };
    if (bound.length === 1) {
      const [only] = bound;
      for (const p of this.agents.keys()) if (is(only!, p)) view.placement = p;
    } else if (bound.length === 2) {
      const agent = bound.find((a) => is(a, 'agent'));
      const human = bound.find((a) => is(a, 'human'));
      if (agent && human && agent !== human) {
        view.placement = 'split';
        view.share = Math.round(agent.weight * 10_000) / 100;
      }
    }
    if (view.placement === null) {
      view.why = bound.length === 0
        ? 'has no inbound agent'
        : `answers with ${bound.map((a) => `${a.agent_id}${a.agent_version !== undefined ? `@${a.agent_version}` : ''} (${Math.round(a.weight * 100)}%)`).join(' and ')}, not a configured destination`;
    }
    return view;
  }

  private headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}` };
  }
}

import { z } from 'zod';
import type { RoutingActionName } from '../../../../shared/protocol.js';
import type { VapiRoutingConfig } from '../../../../shared/routing-config.js';
import type { RecordingCall, RecordingSource } from '../provider.js';
import { NumberRoutingProvider, type NumberPlatform, type NumberView, type Placement, type Target } from './number-routing.js';
import { PlatformHttp } from './platform-http.js';

/**
 * Vapi phone numbers (PATCH and GET /phone-number/{id}, bearer private key). A number answers
 * with its assistant: the agent, the fallback assistant, or after a rollback the previous one
 * (Vapi keeps versions per assistant, not per number). "To humans" leaves the number without
 * an assistant, squad or workflow and sets its fallback destination to the human line, where
 * Vapi transfers a call it has no assistant for. Vapi has no shares and no ramp.
 */

const NumberSchema = z.looseObject({
  id: z.string(),
  number: z.string().optional(),
  updatedAt: z.string(),
  assistantId: z.string().nullish(),
  squadId: z.string().nullish(),
  workflowId: z.string().nullish(),
  fallbackDestination: z.looseObject({ type: z.string(), number: z.string().optional(), extension: z.string().optional() }).nullish(),
  server: z.looseObject({ url: z.string().optional() }).nullish(),
});

/** What the adapter sends: absolute values for every field that decides where a call goes. */
export interface VapiNumberPatch {
  assistantId: string | null;
  squadId: null;
  workflowId: null;
  fallbackDestination?: { type: 'number'; number: string; extension?: string };
}

export function vapiProvider(config: VapiRoutingConfig, token: string, intents: readonly string[]): NumberRoutingProvider {
  return new NumberRoutingProvider(new VapiNumbers(config, token, intents));
}

class VapiNumbers implements NumberPlatform {
  readonly name = 'Vapi';
  readonly numbers: readonly string[];
  readonly versions: { agent: string; previous: string | null };
  readonly placements: ReadonlySet<Placement>;
  readonly shares = 'none' as const;
  private readonly http: PlatformHttp;
  private readonly base: string;
  private readonly assistants = new Map<Placement, string>();

  constructor(
    private readonly config: VapiRoutingConfig,
    private readonly token: string,
    readonly intents: readonly string[],
  ) {
    this.numbers = config.phoneNumberIds;
    this.versions = {
      agent: config.agent.version ?? config.agent.assistantId,
      previous: config.previousAgent ? (config.previousAgent.version ?? config.previousAgent.assistantId) : null,
    };
    this.assistants.set('agent', config.agent.assistantId);
    if (config.previousAgent) this.assistants.set('previous', config.previousAgent.assistantId);
    if (config.fallback) this.assistants.set('fallback', config.fallback.assistantId);
    this.placements = new Set<Placement>([...this.assistants.keys(), ...(config.human ? (['human'] as const) : [])]);
    this.base = config.baseUrl.replace(/\/+$/, '');
    this.http = new PlatformHttp({ platform: 'Vapi', timeoutMs: config.timeoutMs, deadlineMs: config.deadlineMs, secrets: [token] });
  }

  async read(id: string, signal?: AbortSignal): Promise<NumberView> {
    const reply = await this.http.send({ what: `GET /phone-number/${id}`, method: 'GET', url: this.numberUrl(id), headers: this.headers() }, signal);
    return this.view(id, reply.body);
  }

  async write(id: string, target: Target, signal?: AbortSignal): Promise<NumberView> {
    const reply = await this.http.send(
      {
        what: `PATCH /phone-number/${id} (${target.placement})`,
        method: 'PATCH',
        url: this.numberUrl(id),
        headers: { ...this.headers(), 'Content-Type': 'application/json' },
        body: JSON.stringify(this.patchFor(target.placement)),
      },
      signal,
    );
    return this.view(id, reply.body);
  }

  manualSteps(action: RoutingActionName): string[] {
    const numbers = this.numbers.join(', ');
    const assistant = (p: Placement) => {
      const id = this.assistants.get(p);
      return id
        ? [`In the Vapi dashboard, Phone Numbers: on each of ${numbers}, set Inbound Settings > Assistant to ${id} and save`]
        : [`No ${p} assistant is configured for Vapi: add "${p}" to routing in the launch configuration, or set the numbers by hand`];
    };
    const human = this.config.human
      ? [`In the Vapi dashboard, Phone Numbers: on each of ${numbers}, clear the assistant (and any squad or workflow), set Fallback Destination to ${this.config.human.number} and save`,
         'Check no Server URL on the number or the organisation answers assistant-request: an assistant it returns wins over the fallback destination']
      : ['No human line is configured for Vapi: add "human" to routing in the launch configuration, or forward the numbers at your carrier'];
    const check = 'Place a test call to one number';
    switch (action) {
      case 'stop_all':
      case 'route_human':
        return [...human, check];
      case 'route_fallback':
        return [...assistant('fallback'), check];
      case 'rollback':
        return [...assistant('previous'), check];
      case 'resume':
        return [...assistant('agent'), check];
      case 'set_share':
      case 'pause_ramp':
        return ['Vapi numbers take every call or none: there is no share to set or ramp to pause. Send every call to the human line or to the fallback assistant instead, or split traffic at your carrier'];
    }
  }

  /** The call read again from Vapi, since a recording link in an old report may have expired. */
  async recordingSource(call: RecordingCall, signal?: AbortSignal): Promise<RecordingSource | null> {
    const id = /^vapi-(.+)$/.exec(call.id)?.[1];
    if (!id) return call.recordingUrl ? { url: call.recordingUrl, headers: {} } : null;
    const reply = await this.http.send({ what: `GET /call/${id}`, method: 'GET', url: `${this.base}/call/${encodeURIComponent(id)}`, headers: this.headers() }, signal);
    const parsed = z.looseObject({ artifact: z.looseObject({ recordingUrl: z.string().optional() }).optional() }).safeParse(reply.body);
    const url = parsed.success ? parsed.data.artifact?.recordingUrl : undefined;
    return url ? { url, headers: {} } : null;
  }

  private patchFor(placement: Placement): VapiNumberPatch {
    if (placement === 'human') {
      const human = this.config.human!;
      return {
        assistantId: null,
        squadId: null,
        workflowId: null,
        fallbackDestination: { type: 'number', number: human.number, ...(human.extension ? { extension: human.extension } : {}) },
      };
    }
    const assistantId = this.assistants.get(placement);
    if (!assistantId) throw this.http.error(`Vapi: no ${placement} assistant is configured`, 'http', false, 400);
    return { assistantId, squadId: null, workflowId: null };
  }

  private view(id: string, body: unknown): NumberView {
    const parsed = NumberSchema.safeParse(body);
    if (!parsed.success || parsed.data.id !== id) throw this.http.error(`Vapi: the reply for ${id} is not that phone number`, 'bad_reply', true);
    const n = parsed.data;
    const updatedMs = Date.parse(n.updatedAt);
    const view: NumberView = { id, placement: null, updatedMs: Number.isNaN(updatedMs) ? 0 : updatedMs };
    const label = n.number ? ` (${n.number})` : '';
    if (n.squadId || n.workflowId) {
      view.why = `${label} answers with ${n.squadId ? `squad ${n.squadId}` : `workflow ${n.workflowId}`}, not a configured assistant`;
      return view;
    }
    if (n.assistantId) {
      for (const [placement, assistantId] of this.assistants) if (assistantId === n.assistantId) view.placement = placement;
      if (view.placement === null) view.why = `${label} answers with assistant ${n.assistantId}, none of the configured ones`;
      return view;
    }
    const human = this.config.human;
    const dest = n.fallbackDestination;
    if (human && dest?.type === 'number' && dest.number === human.number && (dest.extension ?? '') === (human.extension ?? '')) {
      view.placement = 'human';
    } else {
      view.why = `${label} has no assistant and its fallback destination is ${dest?.number ?? 'not set'}, not the configured human line`;
    }
    return view;
  }

  private numberUrl(id: string): string {
    return `${this.base}/phone-number/${encodeURIComponent(id)}`;
  }

  private headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}` };
  }
}

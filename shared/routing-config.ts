import { z } from 'zod';

/**
 * The launch configuration's `routing`: which provider the emergency controls drive. `kind`
 * picks it; each kind names the numbers it manages and where they can point in the platform's
 * own terms. Secrets are never in the file: `tokenEnv` names the variable holding the one secret
 * each kind needs (the desktop app also keeps one entered by the operator).
 */

export const ROUTING_KINDS = ['http', 'twilio', 'vapi', 'retell'] as const;
export type RoutingKind = (typeof ROUTING_KINDS)[number];

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name, e.g. TWILIO_AUTH_TOKEN');
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +14155550100');
/** What the console calls the agent version a destination runs, as the stream names it. */
const versionLabel = z.string().min(1).max(200);
const httpsUrl = z.url({ protocol: /^https?$/ });

/** Each kind's own defaults, so `{"kind": "vapi"}` alone reaches Vapi's API with VAPI_PRIVATE_KEY. */
function common(baseUrl: string, tokenEnv: string) {
  return {
    baseUrl: httpsUrl.default(baseUrl),
    tokenEnv: envName.default(tokenEnv),
    timeoutMs: z.number().int().positive().default(2000),
    retries: z.number().int().min(0).max(10).default(3),
    /** An action's verdict is due within this; past it the operator hears "still trying in the background". */
    deadlineMs: z.number().int().positive().default(8000),
  };
}

const HttpRoutingSchema = z.strictObject({
  kind: z.literal('http').default('http'),
  ...common('http://127.0.0.1:4100', 'LAUNCH_ROUTING_TOKEN'),
});

/** Where a Twilio number's calls go: the TwiML its VoiceUrl returns. */
const TwilioDestinationSchema = z.strictObject({
  voiceUrl: httpsUrl,
  voiceMethod: z.enum(['GET', 'POST']).default('POST'),
  /** Twilio requests it when the voiceUrl fails; left out, the number's fallback URL is cleared. */
  voiceFallbackUrl: httpsUrl.optional(),
});
const TwilioAgentSchema = TwilioDestinationSchema.extend({ version: versionLabel });

const TwilioRoutingSchema = z.strictObject({
  kind: z.literal('twilio'),
  ...common('https://api.twilio.com', 'TWILIO_AUTH_TOKEN'),
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be an account SID (AC followed by 32 hex digits)'),
  /** With an API key, `tokenEnv` holds the key's secret; without, the account's auth token. */
  apiKeySid: z.string().regex(/^SK[0-9a-fA-F]{32}$/, 'must be an API key SID (SK followed by 32 hex digits)').optional(),
  numbers: z.array(z.string().regex(/^PN[0-9a-fA-F]{32}$/, 'must be an IncomingPhoneNumber SID (PN followed by 32 hex digits)')).min(1),
  agent: TwilioAgentSchema,
  /** Rollback points the numbers here; left out, Roll back is not offered. */
  previousAgent: TwilioAgentSchema.optional(),
  fallback: TwilioDestinationSchema.optional(),
  human: TwilioDestinationSchema,
  /** The relay's TwiML splitter, for agent shares between 0 and 100. */
  splitter: z
    .strictObject({
      relayUrl: httpsUrl.transform((u) => u.replace(/\/+$/, '')),
      tokenEnv: envName.default('LAUNCH_SPLITTER_TOKEN'),
    })
    .optional(),
});

const VapiAssistantSchema = z.strictObject({ assistantId: z.string().min(1).max(200), version: versionLabel.optional() });

const VapiRoutingSchema = z.strictObject({
  kind: z.literal('vapi'),
  ...common('https://api.vapi.ai', 'VAPI_PRIVATE_KEY'),
  phoneNumberIds: z.array(z.string().min(1).max(200)).min(1),
  agent: VapiAssistantSchema,
  /** Rollback points the numbers at this assistant: Vapi keeps versions per assistant, not per number. */
  previousAgent: VapiAssistantSchema.optional(),
  fallback: VapiAssistantSchema.optional(),
  /** "To humans" leaves the numbers without an assistant and transfers calls here. */
  human: z.strictObject({ number: e164, extension: z.string().regex(/^\d{1,10}$/).optional() }).optional(),
});

const RetellAgentSchema = z.strictObject({ agentId: z.string().min(1).max(200), version: z.number().int().nonnegative().optional() });

const RetellRoutingSchema = z.strictObject({
  kind: z.literal('retell'),
  ...common('https://api.retellai.com', 'RETELL_API_KEY'),
  numbers: z.array(e164).min(1),
  agent: z.strictObject({ agentId: z.string().min(1).max(200), version: z.number().int().nonnegative() }),
  /** Rollback binds the agent at this version. */
  previousVersion: z.number().int().nonnegative().optional(),
  fallback: RetellAgentSchema.optional(),
  /** A Retell agent that transfers every call to the human line (a number cannot ring a person itself). */
  human: RetellAgentSchema.optional(),
});

export const RoutingConfigSchema = z.discriminatedUnion('kind', [HttpRoutingSchema, TwilioRoutingSchema, VapiRoutingSchema, RetellRoutingSchema]);
export type RoutingConfig = z.infer<typeof RoutingConfigSchema>;
export type TwilioRoutingConfig = z.infer<typeof TwilioRoutingSchema>;
export type VapiRoutingConfig = z.infer<typeof VapiRoutingSchema>;
export type RetellRoutingConfig = z.infer<typeof RetellRoutingSchema>;
export type TwilioDestination = z.infer<typeof TwilioDestinationSchema>;

export const DEFAULT_ROUTING: RoutingConfig = {
  kind: 'http',
  baseUrl: 'http://127.0.0.1:4100',
  tokenEnv: 'LAUNCH_ROUTING_TOKEN',
  timeoutMs: 2000,
  retries: 3,
  deadlineMs: 8000,
};

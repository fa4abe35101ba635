import { isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { RouteSchema } from '../shared/protocol.js';

/**
 * The relay's configuration file. Strict at every level: a misspelt key is an error naming it,
 * since an ignored "publicURL" or "secretEnv" would refuse every genuine webhook. Secrets are
 * never in the file, only the names of the environment variables holding them.
 */

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name, e.g. RETELL_API_KEY');
const seconds = z.number().positive();
/** A dotted path into the platform's structured analysis, e.g. "intent" or "routing.intent". */
const fieldPath = z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be a dotted field path such as "intent"');

const VapiAuthSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('bearer'),
    /** `authorization` takes "Bearer <token>"; any other header carries the token bare (e.g. x-vapi-secret). */
    header: z.string().toLowerCase().default('authorization'),
    tokenEnv: envName,
  }),
  z.strictObject({
    kind: z.literal('hmac'),
    secretEnv: envName,
    signatureHeader: z.string().toLowerCase().default('x-signature'),
    timestampHeader: z.string().toLowerCase().default('x-timestamp'),
    algorithm: z.enum(['sha256', 'sha1', 'sha512']).default('sha256'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    /** What is signed; `{timestamp}` and `{body}` are replaced. */
    payloadFormat: z.string().includes('{body}', { message: 'must contain {body}' }).default('{timestamp}.{body}'),
    /** A prefix Vapi puts before the digest in the header, e.g. "sha256=". */
    signaturePrefix: z.string().default(''),
    toleranceSec: seconds.default(300),
  }),
]);

const dialTarget = z.string().regex(/^(\+[1-9]\d{6,14}|sip:[^\s<>&]+)$/, 'must be an E.164 number or a sip: URI');

const PlatformCommon = {
  /** After this long without a webhook the console says the platform has gone quiet. */
  quietAfterSec: seconds.default(180),
  intentPath: fieldPath.default('intent'),
};

export const RelayConfigSchema = z.strictObject({
  /** The base URL the platforms call (https://relay.example.com); Twilio signs the exact URL. */
  publicUrl: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
  listen: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(4200),
    })
    .prefault({}),
  /** True when a TLS-terminating proxy forwards to the relay; then it may listen beyond loopback. */
  behindTlsProxy: z.boolean().default(false),
  launchId: z.string().min(1).max(200),
  /** The version shown in the stream's hello until calls name their own. */
  agentVersion: z.string().min(1).max(200).default('unknown'),
  dataDir: z.string().min(1),
  streamTokenEnv: envName.default('RELAY_STREAM_TOKEN'),
  /** The AES-256 key for raw payloads: an environment variable or a file, outside dataDir. */
  payloadKey: z.union([z.strictObject({ env: envName }), z.strictObject({ file: z.string().min(1) })]),
  rawRetentionDays: z.number().positive().max(3650).default(30),
  maxBodyBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(512 * 1024),
  /** Events the stream can replay to a console that resumes. */
  bufferSize: z.number().int().min(1).max(1_000_000).default(100_000),
  defaultIntent: z.string().min(1).max(200).default('unknown'),
  vapi: z
    .strictObject({
      ...PlatformCommon,
      auth: VapiAuthSchema,
    })
    .optional(),
  retell: z
    .strictObject({
      ...PlatformCommon,
      apiKeyEnv: envName,
      /** How long a call_ended waits for its call_analyzed before it is sent as it is. */
      holdSec: seconds.max(3600).default(60),
    })
    .optional(),
  twilio: z
    .strictObject({
      quietAfterSec: PlatformCommon.quietAfterSec,
      authTokenEnv: envName,
      /** The route of a call Twilio alone reports, by the number called (E.164); `route` otherwise. */
      route: RouteSchema.default('agent'),
      numbers: z.record(z.string().regex(/^\+\d{6,15}$/, 'must be an E.164 number'), RouteSchema).default({}),
      /** How long a final status waits for the Vapi or Retell report of the same call. */
      holdSec: seconds.max(3600).default(120),
    })
    .optional(),
  /** The TwiML splitter for agent shares on Twilio numbers (needs `twilio`, whose auth token signs its requests). */
  splitter: z
    .strictObject({
      /** The token the console presents to set the share. */
      tokenEnv: envName.default('RELAY_SPLITTER_TOKEN'),
      /** Where agent calls are dialled: an E.164 number or a sip: URI. */
      agent: dialTarget,
      /** The human line. */
      human: dialTarget,
    })
    .optional(),
});
export type RelayConfig = z.infer<typeof RelayConfigSchema>;
export type Platform = 'vapi' | 'retell' | 'twilio';
export const PLATFORMS: readonly Platform[] = ['vapi', 'retell', 'twilio'];

export class RelayConfigError extends Error {
  override name = 'RelayConfigError';
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || /^127\./.test(host);

export function parseRelayConfig(text: string, source: string, baseDir: string): RelayConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new RelayConfigError(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = RelayConfigSchema.safeParse(raw);
  if (!parsed.success) throw new RelayConfigError(`${source} is invalid: ${describe(parsed.error)}`);
  const config = { ...parsed.data, dataDir: resolve(baseDir, parsed.data.dataDir) };
  if ('file' in config.payloadKey) {
    const keyFile = resolve(baseDir, config.payloadKey.file);
    const inside = relative(config.dataDir, keyFile);
    if (!inside.startsWith('..') && !isAbsolute(inside)) {
      throw new RelayConfigError(`${source} is invalid: payloadKey.file: must be outside dataDir, or a copy of the data folder carries its own key`);
    }
    config.payloadKey = { file: keyFile };
  }
  if (!config.vapi && !config.retell && !config.twilio) {
    throw new RelayConfigError(`${source} is invalid: (root): configure at least one of vapi, retell, twilio`);
  }
  if (config.splitter && !config.twilio) {
    throw new RelayConfigError(`${source} is invalid: splitter: needs "twilio" too, whose auth token signs the splitter's requests`);
  }
  if (!isLoopback(config.listen.host) && !config.behindTlsProxy) {
    throw new RelayConfigError(
      `${source} is invalid: listen.host: ${config.listen.host} is not loopback; webhooks carry call transcripts, so serve them through a TLS-terminating proxy and set "behindTlsProxy": true`,
    );
  }
  if (!config.publicUrl.startsWith('https://') && !isLoopback(new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, ''))) {
    throw new RelayConfigError(`${source} is invalid: publicUrl: the platforms must call the relay over https`);
  }
  return config;
}

function describe(error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${[...issue.path, key].join('.')}: unknown key${nearKey(key)}`).join('; ');
    }
    return `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`;
  });
  return lines.slice(0, 5).join('; ') + (lines.length > 5 ? `; and ${lines.length - 5} more` : '');
}

const KNOWN_KEYS = [
  ...Object.keys(RelayConfigSchema.shape),
  'host', 'port', 'env', 'file', 'auth', 'kind', 'header', 'tokenEnv', 'secretEnv', 'signatureHeader',
  'timestampHeader', 'algorithm', 'encoding', 'payloadFormat', 'signaturePrefix', 'toleranceSec',
  'quietAfterSec', 'intentPath', 'apiKeyEnv', 'holdSec', 'authTokenEnv', 'route', 'numbers', 'agent', 'human',
];

/** The known key a misspelt one most likely meant: same letters ignoring case and separators. */
function nearKey(key: string): string {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const exact = KNOWN_KEYS.find((k) => norm(k) === norm(key));
  if (exact) return ` (did you mean "${exact}"?)`;
  const close = KNOWN_KEYS.find((k) => Math.abs(k.length - key.length) <= 1 && [...norm(k)].filter((c, i) => norm(key)[i] !== c).length <= 1);
  return close ? ` (did you mean "${close}"?)` : '';
}

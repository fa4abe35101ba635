import { z } from 'zod';
import { DEFAULT_INTENTS, describeZodError } from '../shared/protocol.js';
import { parseFaultNames } from './faults.js';

/** The simulator's options, checked in one place for both the API and the CLI. */

export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'] as const;

const token = z.string().min(1).regex(/^\S+$/, 'must not contain spaces');

export const SimOptionsSchema = z.object({
  port: z.number().int().min(0).max(65535).default(0),
  // Recordings and, by default, the stream have no auth: loopback is the boundary.
  host: z.enum(LOOPBACK_HOSTS).default('127.0.0.1'),
  seed: z.number().int().default(1),
  rate: z.number().min(0).max(10_000).default(2),
  speed: z.number().positive().max(1_000_000).default(1),
  intents: z
    .array(z.string().regex(/^[a-z0-9_.-]+$/i, 'intent names use letters, digits, _ . -'))
    .min(1)
    .refine((xs) => new Set(xs).size === xs.length, 'must not repeat an intent')
    .default([...DEFAULT_INTENTS]),
  scenarios: z
    .array(z.string())
    .default([])
    .transform((names, ctx) => {
      try {
        return parseFaultNames(names);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  token: token.optional(),
  streamToken: token.optional(),
  agentShare: z.number().min(0).max(100).default(100),
  bufferSize: z.number().int().min(1).max(10_000_000).default(100_000),
  manualClock: z.boolean().default(false),
  startTime: z.number().int().nonnegative().optional(),
  /** The version going live; the faults belong to it. */
  agentVersion: z.string().min(1).default('v2.0.0'),
  /** The version a rollback returns to. */
  previousVersion: z.string().min(1).default('v1.9.3'),
});

export type SimOptions = z.input<typeof SimOptionsSchema>;
export type ResolvedSimOptions = z.output<typeof SimOptionsSchema>;

export class SimOptionsError extends Error {
  override name = 'SimOptionsError';
}

export function resolveSimOptions(options: SimOptions): ResolvedSimOptions {
  const parsed = SimOptionsSchema.safeParse(options);
  if (!parsed.success) throw new SimOptionsError(`invalid simulator options: ${describeZodError(parsed.error)}`);
  if (parsed.data.agentVersion === parsed.data.previousVersion) {
    throw new SimOptionsError('invalid simulator options: previousVersion: must differ from agentVersion');
  }
  return parsed.data;
}

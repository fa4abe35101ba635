/**
 * The fault scenarios and what each does to an agent call, as a table of probabilities and
 * distribution parameters. calls.ts reads only the resulting profile, never the fault names.
 */

export const FAULT_NAMES = [
  'latency-spike',
  'tool-outage',
  'pii-leak',
  'escalation-context-loss',
  'asr-degradation',
  'connection-failures',
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export interface CallProfile {
  /** Chance the call never connects. */
  connectFailureP: number;
  latencyMedianMs: number;
  /** Sd of log(latency); 0.363 puts the P95 at about 1.8x the median. */
  latencySigma: number;
  /** Chance the caller talks over an agent turn. */
  interruptP: number;
  /** Chance one tool-call attempt fails. */
  toolFailureP: number;
  /** Chance the agent reads personal data back aloud on a call. */
  piiLeakP: number;
  /** Chance a transfer to a human carries the conversation context. */
  contextPreservedP: number;
  sttMean: number;
  sttSd: number;
  /** Chance the call fails because the agent cannot understand the caller. */
  sttFailureP: number;
  /** Chance of a model, TTS or timeout error that ends the call. */
  agentErrorP: number;
}

export const HEALTHY_PROFILE: CallProfile = {
  connectFailureP: 0.005,
  latencyMedianMs: 550,
  latencySigma: 0.363,
  interruptP: 0.05,
  toolFailureP: 0.01,
  piiLeakP: 0,
  contextPreservedP: 0.98,
  sttMean: 0.91,
  sttSd: 0.04,
  sttFailureP: 0,
  agentErrorP: 0.002,
};

const EFFECTS: Record<FaultName, (p: CallProfile) => CallProfile> = {
  // Callers barge in more often when the agent is slow to answer.
  'latency-spike': (p) => ({ ...p, latencyMedianMs: p.latencyMedianMs * 3, interruptP: 0.15 }),
  'tool-outage': (p) => ({ ...p, toolFailureP: 0.8 }),
  'pii-leak': (p) => ({ ...p, piiLeakP: 0.4 }),
  'escalation-context-loss': (p) => ({ ...p, contextPreservedP: 0.2 }),
  'asr-degradation': (p) => ({ ...p, sttMean: 0.58, sttSd: 0.12, sttFailureP: 0.25 }),
  'connection-failures': (p) => ({ ...p, connectFailureP: 0.3 }),
};

export function isFaultName(name: string): name is FaultName {
  return (FAULT_NAMES as readonly string[]).includes(name);
}

/** Validates scenario names (e.g. from --scenario a,b), naming the first unknown one. */
export function parseFaultNames(names: readonly string[]): FaultName[] {
  const out: FaultName[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    if (!isFaultName(name)) {
      throw new Error(`unknown scenario '${name}'; known: ${FAULT_NAMES.join(', ')}`);
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

export function profileFor(faults: readonly FaultName[]): CallProfile {
  // A fixed order, so the same set of faults always gives the same profile.
  return FAULT_NAMES.filter((f) => faults.includes(f)).reduce((p, f) => EFFECTS[f](p), HEALTHY_PROFILE);
}

/** Faults as a bit set, in FAULT_NAMES order, so a call id can carry them. */
export function faultMask(faults: readonly FaultName[]): number {
  return faults.reduce((m, f) => m | (1 << FAULT_NAMES.indexOf(f)), 0);
}

export function faultsFromMask(mask: number): FaultName[] {
  return FAULT_NAMES.filter((_, i) => (mask & (1 << i)) !== 0);
}

import type { CallRecord } from '../../shared/protocol.js';

const DEFAULT_TIME = '2026-04-01T08:00:00.000Z';

/**
 * A healthy agent call for tests: connected, completed, no turns, tools, errors or safety
 * events. Each test overrides only the fields its case is about.
 */
export function callRecord(over: Partial<CallRecord> = {}): CallRecord {
  return {
    id: 'c1',
    startedAt: DEFAULT_TIME,
    endedAt: DEFAULT_TIME,
    intent: 'order_status',
    agentVersion: 'v2',
    route: 'agent',
    connected: true,
    outcome: 'completed',
    turns: [],
    toolCalls: [],
    errors: [],
    safety: { pii: 0, policy: 0, injection: 0 },
    ...over,
  };
}

/** An ISO timestamp from epoch ms, as call records carry them. */
export const isoAt = (ms: number): string => new Date(ms).toISOString();

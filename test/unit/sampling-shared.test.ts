import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../shared/protocol.js';
import {
  FAILURE_CATEGORIES,
  FAILURE_CATEGORY_IDS,
  HOUR_MS,
  NAVIGATION_KEYS,
  VERDICT_KEYS,
  countPerHour,
  failureSignals,
  hasFailureSignal,
  samplingKeyAction,
} from '../../shared/sampling.js';
import { callRecord } from '../support/call-record.js';

const base: CallRecord = callRecord({
  id: 'x', startedAt: '2025-05-01T08:00:00Z', endedAt: '2025-05-01T08:01:00Z', intent: 'orders',
});

describe('annotation keys', () => {
  it('gives every category exactly one key and no key two meanings', () => {
    expect(FAILURE_CATEGORIES.map((c) => c.id)).toEqual([...FAILURE_CATEGORY_IDS]);
    const keys = [...FAILURE_CATEGORIES.map((c) => c.key), ...VERDICT_KEYS.map((v) => v.key), ...NAVIGATION_KEYS.flatMap((n) => n.keys)];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('maps a key press to its action from the same table', () => {
    expect(samplingKeyAction('p')).toEqual({ kind: 'verdict', verdict: 'pass' });
    expect(samplingKeyAction('F')).toEqual({ kind: 'verdict', verdict: 'fail' });
    expect(samplingKeyAction('3')).toEqual({ kind: 'category', category: 'wrong_tool' });
    expect(samplingKeyAction('j')).toEqual({ kind: 'navigate', direction: 'next' });
    expect(samplingKeyAction('ArrowUp')).toEqual({ kind: 'navigate', direction: 'previous' });
    expect(samplingKeyAction('x')).toBeNull();
  });
});

describe('failure signals', () => {
  it('names each signal and agrees with the fast check', () => {
    const cases: [Partial<CallRecord>, string[]][] = [
      [{}, []],
      [{ outcome: 'failed' }, ['outcome_failed']],
      [{ errors: [{ kind: 'tts', message: 'x' }] }, ['error']],
      [{ safety: { pii: 0, policy: 0, injection: 2 } }, ['safety']],
      [{ escalation: { requested: true, transferred: false, contextPreserved: false } }, ['escalation_context_lost']],
      [{ escalation: { requested: false, transferred: false, contextPreserved: false } }, []],
      [{ route: 'fallback', outcome: 'failed' }, ['outcome_failed', 'fallback_route']],
    ];
    for (const [extra, signals] of cases) {
      const call = { ...base, ...extra };
      expect(failureSignals(call)).toEqual(signals);
      expect(hasFailureSignal(call)).toBe(signals.length > 0);
    }
  });
});

describe('countPerHour', () => {
  it('counts timestamps into the given hours and drops the rest', () => {
    const h0 = Date.UTC(2025, 4, 1, 8);
    expect(countPerHour([h0 + 5, h0 + HOUR_MS + 1, h0 + HOUR_MS + 2, h0 + 5 * HOUR_MS], [h0, h0 + HOUR_MS, h0 + 2 * HOUR_MS])).toEqual([1, 2, 0]);
  });
});

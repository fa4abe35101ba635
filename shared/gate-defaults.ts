/**
 * The six launch gates as the readiness practice words them: the question each answers, its
 * checklist and the signal that passes it. A launch configuration may reword any of them.
 */

export const GATE_IDS = ['functional', 'performance', 'scale', 'security', 'monitoring', 'rollback'] as const;
export type GateId = (typeof GATE_IDS)[number];

/** The gates a team may drop to, with a recorded reason. */
export const MINIMUM_GATES: readonly GateId[] = ['functional', 'monitoring', 'rollback'];

/** Gates whose unticked items are gaps that block "go" unless a risk acceptance is recorded. */
export const GAP_BLOCKING_GATES: readonly GateId[] = ['security', 'monitoring', 'rollback'];

export interface GateDefinition {
  title: string;
  question: string;
  items: string[];
  signal: string;
}

export const DEFAULT_GATES: Record<GateId, GateDefinition> = {
  functional: {
    title: 'Functional',
    question: 'Does the agent do what it must, on the happy paths and the edges?',
    items: [
      'Happy paths pass',
      'Edge cases covered',
      'Multi-turn context works',
      'Corrections work',
      'Tool calls verified',
      'Escalation preserves context',
    ],
    signal: 'Scenario pass rate at least 95% and no critical-flow blocker',
  },
  performance: {
    title: 'Performance',
    question: 'Is it fast and good enough for real callers?',
    items: [
      'Latency percentiles measured',
      'WER by condition',
      'Task completion at target',
      'Error rate under ceiling',
      'No critical quality regression',
    ],
    signal: 'P95 turn latency within target',
  },
  scale: {
    title: 'Scale',
    question: 'Does it hold at twice the expected peak?',
    items: [
      '100%, 150%, 200% load tested',
      'Spike tested',
      'Soak tested',
      'Provider quotas confirmed',
      'Dependency slowdown tested',
    ],
    signal: '2x expected peak with no more than 20% quality degradation',
  },
  security: {
    title: 'Security',
    question: 'Can it leak, be steered, or act beyond its rights?',
    items: [
      'Prompt injection tested',
      'PII handling verified',
      'Authorization enforced in code',
      'Output policy tested',
      'Audit logging complete',
    ],
    signal: 'Zero critical data-handling or authorization failure',
  },
  monitoring: {
    title: 'Monitoring',
    question: 'Will we see a problem, and will someone act on it?',
    items: [
      'Dashboard live',
      'Alerts configured',
      'On-call assigned',
      'First-48-hour review scheduled',
      'Incident channel and escalation path ready',
    ],
    signal: 'All critical metrics visible with an escalation owner',
  },
  rollback: {
    title: 'Rollback',
    question: 'Can we take it back fast, and have we done it?',
    items: [
      'Triggers documented',
      'Fallback routing tested',
      'Rollback rehearsed',
      'Recovery checks defined',
      'Communication plan ready',
    ],
    signal: 'Tested rollback under 15 minutes or documented risk acceptance',
  },
};

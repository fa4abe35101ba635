import { DEFAULT_GATES, GAP_BLOCKING_GATES, GATE_IDS, MINIMUM_GATES, type GateDefinition, type GateId } from '../../../shared/gate-defaults.js';
import type { LaunchConfig } from '../../../shared/config.js';
import { GATE_STATUS_TEXT, type ConsoleFact, type GateEvidence, type GateMode, type GateResult, type GateRow, type GateStatus, type RiskAcceptance } from '../../../shared/gates.js';

/**
 * The rules of the launch decision, as a function of what was recorded and what the console
 * knows. A row passes only with an owner, evidence and the owner's pass; a failed row, and any
 * gap in security, monitoring or rollback, blocks "go" until a risk acceptance is recorded for it.
 */

/** What was recorded for one gate by people. */
export interface GateRecord {
  owner: string | null;
  evidence: GateEvidence[];
  /** Ticked items by index, with who ticked them. */
  ticked: Map<number, string>;
  result: { result: GateResult; by: string; at: number; note: string } | null;
  risk: RiskAcceptance | null;
}

/** What the console filled in for one gate: figures with their source, and the items they prove. */
export interface ConsoleFilled {
  facts: ConsoleFact[];
  /** Item index -> the source that proves it. */
  proves: Map<number, string>;
}

export function emptyRecord(): GateRecord {
  return { owner: null, evidence: [], ticked: new Map(), result: null, risk: null };
}

export function gateDefinitions(config: Pick<LaunchConfig, 'gates'>): Record<GateId, GateDefinition> {
  const out = {} as Record<GateId, GateDefinition>;
  for (const id of GATE_IDS) out[id] = { ...DEFAULT_GATES[id], ...config.gates.definitions[id] };
  return out;
}

export function evaluateGate(
  id: GateId,
  definition: GateDefinition,
  record: GateRecord,
  filled: ConsoleFilled,
  mode: GateMode,
): GateRow {
  const items = definition.items.map((text, i) => {
    const source = filled.proves.get(i) ?? null;
    const by = record.ticked.get(i) ?? (source ? 'console' : null);
    return { text, done: by !== null, by, source };
  });
  const base = { id, definition, items, owner: record.owner, evidence: record.evidence, facts: filled.facts, result: record.result, risk: record.risk };
  if (mode.mode === 'minimum' && !MINIMUM_GATES.includes(id)) {
    return { ...base, status: 'not-required', reasons: [`Not required: the team chose the three minimum gates (${mode.reason ?? 'no reason'})`], blocksGo: false };
  }

  const reasons: string[] = [];
  const failedFacts = filled.facts.filter((f) => f.ok === false);
  const hasEvidence = record.evidence.length > 0 || filled.facts.some((f) => f.ok === true);
  const gaps = GAP_BLOCKING_GATES.includes(id) ? items.filter((i) => !i.done).map((i) => i.text) : [];
  if (!record.owner) reasons.push('No owner: a named person must own this gate');
  if (!hasEvidence) reasons.push('No evidence: attach a link or a file, or let the console fill it');
  for (const f of failedFacts) reasons.push(`${f.label}: ${f.value} (${f.source})`);
  if (record.result?.result === 'fail') reasons.push(`Failed by ${record.result.by}${record.result.note ? `: ${record.result.note}` : ''}`);
  if (gaps.length > 0) reasons.push(`Gaps: ${gaps.join('; ')}`);
  if (!record.result) reasons.push('No result recorded by its owner');

  let status: GateStatus;
  if (record.result?.result === 'fail' || failedFacts.length > 0) status = 'fail';
  else if (record.owner && hasEvidence && record.result?.result === 'pass' && gaps.length === 0) status = 'pass';
  else status = 'not-passed';
  if (status !== 'pass' && record.risk) {
    return { ...base, status: 'risk-accepted', reasons: [`Risk accepted by ${record.risk.by}: ${record.risk.why}`, ...reasons], blocksGo: false };
  }
  return { ...base, status, reasons: status === 'pass' ? [`Passed by ${record.result?.by ?? 'its owner'}`] : reasons, blocksGo: status !== 'pass' };
}

/** One line per row that keeps "go" from being taken. */
export function goBlockers(rows: readonly GateRow[]): string[] {
  return rows.filter((r) => r.blocksGo).map((r) => `${r.definition.title}: ${GATE_STATUS_TEXT[r.status]} (${r.reasons[0] ?? 'no reason'})`);
}

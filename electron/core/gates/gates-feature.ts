import { GATE_IDS, MINIMUM_GATES, type GateId } from '../../../shared/gate-defaults.js';
import { GATE_STATUS_TEXT, type GateRow, type GatesView, type LaunchDecision } from '../../../shared/gates.js';
import type { ConsoleContext, Feature, Handlers } from '../engine/feature.js';
import type { GateInputs } from './console-facts.js';
import { consoleFacts } from './console-facts.js';
import { decisionHtml, decisionJson } from './decision-export.js';
import { evaluateGate, gateDefinitions, goBlockers } from './gate-logic.js';
import { frozenRows, GatesStore } from './gates-store.js';

export type GatesChannels =
  | 'gates:set-owner'
  | 'gates:tick'
  | 'gates:add-evidence'
  | 'gates:set-result'
  | 'gates:accept-risk'
  | 'gates:set-mode'
  | 'gates:decide'
  | 'gates:export';

/** The launch decision: the six gates' table, risk acceptances, and go / no-go frozen into the audit log. */
export class GatesFeature implements Feature {
  readonly handlers: Pick<Handlers, GatesChannels>;
  private readonly definitions;

  /** `inputs` gathers what the other features know; the service supplies it. */
  static async open(ctx: ConsoleContext, inputs: () => GateInputs): Promise<GatesFeature> {
    return new GatesFeature(ctx, await GatesStore.open(ctx.storage.records('gates')), inputs);
  }

  private constructor(
    private readonly ctx: ConsoleContext,
    private readonly store: GatesStore,
    private readonly inputs: () => GateInputs,
  ) {
    this.definitions = gateDefinitions(ctx.config);
    const title = (gate: GateId) => this.definitions[gate].title;
    this.handlers = {
      'gates:set-owner': async ({ gate, name }) => {
        const by = ctx.operator();
        await this.store.change({ t: 'owner', gate, name, by, at: ctx.now() });
        await this.audit(by, `${title(gate)} gate owner set to ${name}`, { gate, owner: name });
        return this.view();
      },
      'gates:tick': async ({ gate, index, done }) => {
        const by = ctx.operator();
        const item = this.definitions[gate].items[index];
        if (item === undefined) throw new Error(`index: the ${title(gate)} gate has ${this.definitions[gate].items.length} items, not ${index + 1}`);
        await this.store.change({ t: 'item', gate, index, done, by, at: ctx.now() });
        await this.audit(by, `${title(gate)} gate: "${item}" ${done ? 'ticked' : 'unticked'}`, { gate, item, done });
        return this.view();
      },
      'gates:add-evidence': async ({ gate, evidence }) => {
        const by = ctx.operator();
        await this.store.change({ t: 'evidence', gate, evidence, by, at: ctx.now() });
        const what = evidence.kind === 'link' ? `link ${evidence.url}` : `file ${evidence.name} (sha256 ${evidence.sha256})`;
        await this.audit(by, `${title(gate)} gate evidence added: ${what}`, { gate, evidence });
        return this.view();
      },
      'gates:set-result': async ({ gate, result, note }) => {
        const by = ctx.operator();
        await this.store.change({ t: 'result', gate, result, note: note ?? '', by, at: ctx.now() });
        await this.audit(by, `${title(gate)} gate result ${result ?? 'cleared'}${note ? `: ${note}` : ''}`, { gate, result, note: note ?? '' });
        return this.view();
      },
      'gates:accept-risk': async ({ gate, why }) => {
        const by = ctx.operator();
        await this.store.change({ t: 'risk', gate, why, by, at: ctx.now() });
        await this.audit(by, why === null ? `${title(gate)} gate risk acceptance withdrawn` : `${title(gate)} gate risk accepted: ${why}`, { gate, why });
        return this.view();
      },
      'gates:set-mode': async ({ mode, reason }) => {
        const by = ctx.operator();
        if (mode === 'minimum' && !reason) throw new Error('reason: dropping to the three minimum gates needs a recorded reason');
        await this.store.change({ t: 'mode', mode, reason: mode === 'minimum' ? (reason ?? null) : null, by, at: ctx.now() });
        const summary =
          mode === 'minimum'
            ? `Launch decision uses the three minimum gates (${MINIMUM_GATES.map(title).join(', ')}): ${reason}`
            : 'Launch decision uses all six gates';
        await this.audit(by, summary, { mode, reason: reason ?? null });
        return this.view();
      },
      'gates:decide': async ({ decision, note }) => {
        const by = ctx.operator();
        await this.store.decide(async () => {
          const rows = this.rows();
          const blockers = goBlockers(rows);
          if (decision === 'go' && blockers.length > 0) throw new Error(`decision: "go" is blocked: ${blockers.join('; ')}`);
          const made: Omit<LaunchDecision, 'auditSeq'> = { decision, by, at: ctx.now(), note: note ?? '', mode: { ...this.store.mode }, rows: frozenRows(rows) };
          const entry = await ctx.audit.append({
            type: 'decision',
            operator: by,
            summary: `Launch decision: ${decision === 'go' ? 'GO' : 'NO-GO'}${note ? `: ${note}` : ''} (${rows
              .map((r) => `${r.definition.title} ${GATE_STATUS_TEXT[r.status].toLowerCase()}`)
              .join(', ')})`,
            data: { decision: made as unknown as Record<string, unknown> },
          });
          return { ...made, auditSeq: entry.seq };
        });
        return this.view();
      },
      'gates:export': ({ format }) => {
        const doc = {
          launchName: ctx.config.launchName,
          decision: this.store.lastDecision,
          rows: this.store.lastDecision?.rows ?? this.rows(),
          exportedAt: ctx.now(),
          exportedBy: this.ownerOrNull(),
        };
        return format === 'json' ? decisionJson(doc) : decisionHtml(doc);
      },
    };
  }

  view(): GatesView {
    const rows = this.rows();
    return {
      mode: { ...this.store.mode },
      rows,
      blockers: goBlockers(rows),
      lastDecision: this.store.lastDecision,
      problem: this.store.problems.length > 0 ? `Records of the gate table that could not be read: ${this.store.problems.slice(0, 3).join('; ')}` : null,
    };
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private rows(): GateRow[] {
    const filled = consoleFacts(this.inputs(), this.ctx.config.gates.thresholds);
    return GATE_IDS.map((id) => evaluateGate(id, this.definitions[id], this.store.records.get(id)!, filled[id], this.store.mode));
  }

  private ownerOrNull(): string | null {
    try {
      return this.ctx.operator();
    } catch {
      return null;
    }
  }

  private async audit(operator: string, summary: string, data: Record<string, unknown>): Promise<void> {
    await this.ctx.audit.append({ type: 'gate', operator, summary, data });
  }
}

import { useState, type FormEvent } from 'react';
import { formatDuration, formatFigure } from '../../../shared/format.js';
import type { CriterionView, HumanCheck, RolloutView } from '../../../shared/rollout.js';
import { useInvoke } from '../../bridge/use-invoke.js';
import { selectAlerts } from '../../state/alerts.js';
import { selectRollout } from '../../state/rollout.js';
import type { StageSpan } from '../../../shared/rollout.js';
import { useConsole } from '../../state/store.js';
import { actionRefusal, channelRefusal, selectMe } from '../../state/team.js';
import { refused, useRefusal } from '../team/use-refusal.js';
import { Time } from '../common/Time.js';
import './rollout.css';

const STATE_WORDS: Record<CriterionView['state'], string> = { met: 'Holds', unmet: 'Not met', waiting: 'Waiting', nodata: 'No data' };

/** The staged rollout on the dashboard: where the ladder is, what holds it, and the one click that moves it on. */
export function RolloutPanel() {
  const view = useConsole(selectRollout);
  if (!view) return null;
  const stage = view.current === null ? null : view.stages[view.current]!;
  const next = view.next === null ? null : view.stages[view.next]!;
  return (
    <section className="panel rollout-panel" aria-label="Staged rollout">
      <div className="rollout-head">
        <h2>Staged rollout</h2>
        <ol className="ladder" aria-label="Ladder">
          {view.stages.map((s) => (
            <li key={s.index} className={s.index === view.current ? 'is-current' : s.index < (view.current ?? -1) ? 'is-past' : ''} aria-current={s.index === view.current ? 'step' : undefined}>
              {s.name} <span className="muted">{s.share}%</span>
            </li>
          ))}
        </ol>
      </div>
      <Position view={view} />
      {stage && (
        <div className="rollout-figures">
          <Figure label="Current stage" value={`${stage.name} (${stage.share}%)`} />
          <Figure label="Held" value={formatDuration(view.heldMs)} note={view.frozen ? `not counting: ${view.frozenWhy ?? ''}` : 'counting'} />
          <Figure label="Hold remaining" value={view.holdRemainingMs === null ? '—' : view.holdRemainingMs === 0 ? 'passed' : formatDuration(view.holdRemainingMs)} note={`minimum ${formatDuration(stage.minHoldMs)}${stage.maxHoldMs ? `, at most ${formatDuration(stage.maxHoldMs)}` : ''}`} />
          <Figure label="Next stage" value={next ? `${next.name} (${next.share}%)` : 'none: last stage'} />
        </div>
      )}
      {view.figures && <p className="muted rollout-figures-label">Task completion and other rates judged on {view.figures.label}</p>}
      {view.criteria.length > 0 && <Criteria criteria={view.criteria} />}
      {view.checks.length > 0 && <Checks checks={view.checks} />}
      <Promote view={view} />
      <StageRecords view={view} />
      {view.problem && <p className="form-error">{view.problem}</p>}
    </section>
  );
}

function Figure({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="rollout-figure" aria-label={label}>
      <span className="caption">{label}</span>
      <strong>{value}</strong>
      {note && <span className="muted">{note}</span>}
    </div>
  );
}

function Position({ view }: { view: RolloutView }) {
  const p = view.position;
  if (p.kind === 'on') return null;
  if (p.kind === 'unknown') return <p className="muted">{p.why}</p>;
  return (
    <div className={`ladder-alarm ladder-${p.kind}`} role="status">
      <strong>{p.kind === 'off' ? 'Off the ladder' : 'Ladder halted'}</strong>: {p.why}
      {p.kind === 'off' && view.current !== null && (
        <span>
          {' '}
          (provider {p.providerShare}%, ladder {view.stages[view.current]!.share}%)
        </span>
      )}
      <ReturnTo view={view} />
    </div>
  );
}

function ReturnTo({ view }: { view: RolloutView }) {
  const [stage, setStage] = useState(String(view.current ?? 0));
  const { invoke, error, busy } = useInvoke();
  // A return moves the agent's share on the provider: it needs the rights of a share change too.
  const me = useConsole(selectMe);
  const refusal = channelRefusal(me, 'rollout:return-to') ?? actionRefusal(me, 'set_share');
  return (
    <form
      className="return-to"
      aria-label="Return the ladder to a stage"
      onSubmit={(e) => {
        e.preventDefault();
        void invoke('rollout:return-to', { stage: Number(stage) });
      }}
    >
      <label>
        Return to
        <select value={stage} onChange={(e) => setStage(e.target.value)}>
          {view.stages.map((s) => (
            <option key={s.index} value={s.index}>
              {s.name} ({s.share}%)
            </option>
          ))}
        </select>
      </label>
      <button type="submit" {...refused(refusal, busy)}>
        Return the ladder here
      </button>
      {error && <p className="form-error">{error}</p>}
    </form>
  );
}

function Criteria({ criteria }: { criteria: CriterionView[] }) {
  const alerts = useConsole(selectAlerts);
  const openEmergency = useConsole((s) => s.openEmergency);
  const me = useConsole(selectMe);
  return (
    <table className="criteria-table" aria-label="Promotion criteria">
      <thead>
        <tr>
          <th scope="col">Criterion</th>
          <th scope="col">State</th>
          <th scope="col">Estimate · bound</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {criteria.map((c) => {
          const rule = c.ruleId ? alerts?.find((a) => a.rule.id === c.ruleId) : undefined;
          const action = c.state === 'unmet' ? rule?.rule.recommendedAction : undefined;
          return (
            <tr key={c.id} aria-label={c.label} className={`criterion-${c.state}`}>
              <th scope="row">{c.label}</th>
              <td>
                <span className={`criterion-pill criterion-pill-${c.state}`}>{STATE_WORDS[c.state]}</span>
              </td>
              <td className="num">
                {c.estimate !== undefined && c.bound !== undefined ? (
                  <>
                    {formatFigure(c.estimate, 'ratio')} <span className="muted">· {c.boundName} {formatFigure(c.bound, 'ratio')}</span>
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td>
                {c.reason}
                {action && rule && (
                  <button
                    className="criterion-action"
                    {...refused(actionRefusal(me, action.action))}
                    onClick={() => openEmergency({ action: action.action, reason: `${rule.rule.name}: ${action.text}`, origin: `rollout criterion "${c.label}"` })}
                  >
                    {action.text}
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Checks({ checks }: { checks: HumanCheck[] }) {
  return (
    <ul className="stage-checks" aria-label="Human checks">
      {checks.map((c, i) => (
        <li key={c.text}>{c.done ? <CheckDone check={c} index={i} /> : <CheckForm check={c} index={i} />}</li>
      ))}
    </ul>
  );
}

function CheckDone({ check, index }: { check: HumanCheck; index: number }) {
  const { invoke, busy } = useInvoke();
  const refusal = useRefusal('rollout:check');
  const done = check.done!;
  return (
    <span>
      ☑ <strong>{check.text}</strong>: {done.person}, <Time ms={done.at} form="clock" />: {done.note}{' '}
      <button className="link" {...refused(refusal, busy)} aria-label={`Untick ${check.text}`} onClick={() => void invoke('rollout:check', { index, note: 'unticked', done: false })}>
        Untick
      </button>
    </span>
  );
}

function CheckForm({ check, index }: { check: HumanCheck; index: number }) {
  const [person, setPerson] = useState('');
  const [note, setNote] = useState('');
  const { invoke, error, busy } = useInvoke();
  const refusal = useRefusal('rollout:check');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await invoke('rollout:check', { index, person: person || undefined, note, done: true })) setNote('');
  };
  return (
    <form className="check-form" aria-label={check.text} onSubmit={(e) => void submit(e)}>
      <strong>{check.text}</strong>
      <input aria-label="Checked by" placeholder="who checked (default: shift owner)" value={person} onChange={(e) => setPerson(e.target.value)} />
      <input aria-label="Note" placeholder="what was looked at" value={note} onChange={(e) => setNote(e.target.value)} />
      <button type="submit" {...refused(refusal, busy || note.trim() === '')}>
        Tick
      </button>
      {error && <p className="form-error">{error}</p>}
    </form>
  );
}

function Promote({ view }: { view: RolloutView }) {
  const { invoke, error, busy } = useInvoke();
  const [result, setResult] = useState<string | null>(null);
  const openEmergency = useConsole((s) => s.openEmergency);
  const paused = view.frozenWhy?.startsWith('Ramp paused') ?? false;
  const me = useConsole(selectMe);
  const promoteRefusal = channelRefusal(me, 'rollout:promote') ?? actionRefusal(me, 'set_share');
  if (view.next === null) return null;
  const next = view.stages[view.next]!;
  return (
    <div className="promote">
      <button
        {...refused(actionRefusal(me, paused ? 'resume' : 'pause_ramp'))}
        onClick={() => openEmergency({ action: paused ? 'resume' : 'pause_ramp', origin: 'the staged rollout panel' })}
      >{paused ? 'Resume the ramp' : 'Pause the ramp'}</button>
      <button
        className="primary"
        {...refused(promoteRefusal, !view.canPromote || busy || view.promoting)}
        onClick={() =>
          void invoke('rollout:promote', {}).then((r) => {
            if (r) setResult(`${r.status === 'verified' ? 'Verified' : r.status === 'failed' ? 'Failed' : 'Not verified'}: ${r.text}`);
          })
        }
      >
        Promote to {next.name} ({next.share}%)
      </button>
      {view.autoPromote && <span className="muted">Promotes on its own once everything holds (set for this stage)</span>}
      {!view.canPromote && <span className="muted">{view.promoteBlockers.length} {view.promoteBlockers.length === 1 ? 'thing holds' : 'things hold'} the ladder</span>}
      {result && <p role="status">{result}</p>}
      {error && <p className="form-error">{error}</p>}
    </div>
  );
}

/** Every stage the rollout went through, with its whole hold and its figures when it was left. */
function StageRecords({ view }: { view: RolloutView }) {
  const show = useConsole((s) => s.showStageRecords);
  const setShow = useConsole((s) => s.setShowStageRecords);
  if (view.spans.length === 0) return null;
  return (
    <div className="stage-records">
      <button className="link" aria-expanded={show} onClick={() => setShow(!show)}>
        {show ? 'Hide' : 'Show'} stage records ({view.spans.length})
      </button>
      {show && (
        <table className="criteria-table" aria-label="Stage records">
          <thead>
            <tr>
              <th scope="col">Stage</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Held · paused</th>
              <th scope="col">Entered · left</th>
              <th scope="col">Critical alerts</th>
              <th scope="col">Task completion at exit</th>
            </tr>
          </thead>
          <tbody>
            {view.spans.map((span) => (
              <SpanRow key={`${span.stage}-${span.from}`} span={span} heldMs={span.to === null ? view.heldMs : span.heldMs} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function SpanRow({ span, heldMs }: { span: StageSpan; heldMs: number }) {
  const exit = span.figuresAtExit;
  const tc = exit?.kpis.taskCompletion ?? null;
  return (
    <tr>
      <th scope="row">
        {span.name} ({span.share}%)
      </th>
      <td>
        <Time ms={span.from} form="day" />
      </td>
      <td>{span.to === null ? 'now' : <Time ms={span.to} form="day" />}</td>
      <td>
        {formatDuration(heldMs)} · {formatDuration(span.pausedMs)}
      </td>
      <td>
        {span.enteredHow}
        {span.leftHow ? ` · ${span.leftHow}` : ''}
      </td>
      <td>{span.criticalAlerts.length === 0 ? 'none' : span.criticalAlerts.map((a) => a.name).join(', ')}</td>
      <td>{exit && tc !== null ? `${formatFigure(tc, 'ratio')} over ${exit.counts.connected} connected calls` : '—'}</td>
    </tr>
  );
}

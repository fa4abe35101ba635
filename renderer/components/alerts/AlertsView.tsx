import type { AutoActCountdown } from '../../../shared/alerts.js';
import type { AlertView } from '../../../shared/console-state.js';
import { formatKpiValue } from '../../../shared/format.js';
import { boundName } from '../../../shared/confidence.js';
import { KPIS, type KpiId } from '../../../shared/kpi.js';
import { selectAlertsView } from '../../state/alerts.js';
import { useConsole } from '../../state/store.js';
import { Time } from '../common/Time.js';
import { needsAttention, scopeText, SEVERITY_WORDS, STATE_WORDS, thresholdText } from './alert-format.js';
import { AlertHistory } from './AlertHistory.js';
import { BaselinePanel } from './BaselinePanel.js';
import { MuteToggle } from './MuteToggle.js';
import './alerts.css';

/** The Alerts tab: every rule and its state, the baselines, the alert history. */
export function AlertsView() {
  const view = useConsole(selectAlertsView);
  if (!view) return null;
  const ruleKpis = [...new Set(view.alerts.flatMap((a): KpiId[] => (a.rule.baselineMultiple === undefined ? [] : [a.rule.kpi])))];
  return (
    <div className="alerts-view">
      <section className="panel" aria-label="Alert rules">
        <div className="alerts-head">
          <h2>Alert rules</h2>
          <span className="muted">
            {view.evaluatedAt === null ? 'Not evaluated yet' : <>Evaluated at <Time ms={view.evaluatedAt} form="clock" seconds /></>}
          </span>
          <MuteToggle />
        </div>
        {view.problem && (
          <p role="alert" className="alert-state-problem">
            {view.problem}
          </p>
        )}
        <table className="alert-rules">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Severity</th>
              <th scope="col">Scope</th>
              <th scope="col">State and reason</th>
              <th scope="col">Live value</th>
              <th scope="col">Threshold</th>
              <th scope="col">Baseline</th>
              <th scope="col">Acknowledged</th>
              <th scope="col">Recommended action</th>
            </tr>
          </thead>
          <tbody>
            {view.alerts.map((a) => (
              <RuleRow
                key={a.rule.id}
                alert={a}
                baseline={view.baselines.values[a.rule.kpi] ?? null}
                countdown={view.countdowns.find((c) => c.ruleId === a.rule.id) ?? null}
              />
            ))}
          </tbody>
        </table>
      </section>
      <BaselinePanel baselines={view.baselines} ruleKpis={ruleKpis} />
      <AlertHistory log={view.log} alerts={view.alerts} />
    </div>
  );
}

function RuleRow({ alert, baseline, countdown }: { alert: AlertView; baseline: number | null; countdown: AutoActCountdown | null }) {
  const { rule, state, acknowledged } = alert;
  const def = KPIS[rule.kpi];
  const action = rule.recommendedAction;
  return (
    <tr aria-label={`Rule ${rule.name}`} className={`severity-${rule.severity} state-${state.state}`}>
      <th scope="row">
        {rule.name}
        <div className="muted small">
          {def.label} over {rule.windowMin} min · pending {rule.pendingMin} min · min sample {rule.minSample}
        </div>
      </th>
      <td>
        <span className="alert-badge">{SEVERITY_WORDS[rule.severity]}</span>
      </td>
      <td>{scopeText(rule.scope)}</td>
      <td>
        <span className="alert-state">{STATE_WORDS[state.state]}</span>{' '}
        <span className="muted small">
          since <Time ms={state.pendingSince ?? state.since} form="clock" />
        </span>
        <div className="alert-reason">{state.reason}</div>
      </td>
      <td className="num">
        {formatKpiValue(def, state.value)}
        {state.bound !== undefined && (
          <div className="muted small">
            {boundName(rule.comparison === 'above' ? 'lower' : 'upper', rule.confidence)} {formatKpiValue(def, state.bound)}
          </div>
        )}
      </td>
      <td>{thresholdText(rule, state)}</td>
      <td className="num">
        {baseline === null ? '—' : formatKpiValue(def, baseline)}
        {rule.baselineMultiple !== undefined && <div className="muted small">trips at {rule.baselineMultiple}×</div>}
      </td>
      <td>
        {acknowledged ? (
          <>
            {acknowledged.by} at <Time ms={acknowledged.at} form="clock" />
          </>
        ) : state.firedAt !== undefined ? (
          <span className="warn-text">not yet</span>
        ) : (
          '—'
        )}
      </td>
      <td>
        {alert.recommendation ? alert.recommendation.label : '—'}
        {alert.recommendation?.basis && needsAttention(state) && <div className="muted small">{alert.recommendation.basis}</div>}
        {action?.autoAct && <div className="muted small">acts on its own after a {action.countdownSec} s countdown</div>}
        {countdown && countdown.status !== 'counting' && <div className="muted small">{countdownText(countdown)}</div>}
      </td>
    </tr>
  );
}

function countdownText(c: AutoActCountdown): string {
  switch (c.status) {
    case 'due':
      return 'Last countdown ended: the action was sent automatically';
    case 'cancelled':
      return `Last countdown cancelled by ${c.cancelledBy ?? 'an operator'}`;
    case 'withdrawn':
      return `Last countdown withdrawn: ${c.note ?? ''}`;
    case 'counting':
      return 'Counting down';
    case 'paused':
      return `Countdown paused: ${c.note ?? ''}`;
  }
}

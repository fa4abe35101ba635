import type { AlertLogEntry, AlertTransitionKind } from '../../../shared/alerts.js';
import type { AlertView } from '../../../shared/console-state.js';
import { Time } from '../common/Time.js';
import { SEVERITY_WORDS } from './alert-format.js';

const EVENT_WORDS: Record<AlertTransitionKind, string> = {
  fired: 'Fired',
  refired: 'Firing again',
  resolved: 'Resolved',
  pending: 'Pending',
  recovering: 'Recovering',
  nodata: 'No data',
  insufficient: 'Too few calls',
  ok: 'OK',
};

/** Rows drawn at most: the log holds up to a thousand entries and the view re-renders 4 times a second. */
const SHOWN = 100;

/** The alert history, newest first: episodes fired and resolved, and who acknowledged them. */
export function AlertHistory({ log, alerts }: { log: readonly AlertLogEntry[]; alerts: readonly AlertView[] }) {
  const names = new Map(alerts.map((a) => [a.rule.id, a.rule.name]));
  const severities = new Map(alerts.map((a) => [a.rule.id, a.rule.severity]));
  const newest = log.slice(-SHOWN).reverse();
  return (
    <section className="panel" aria-label="Alert history">
      <h2>Alert history</h2>
      {newest.length === 0 ? (
        <p className="muted">No alert has fired yet.</p>
      ) : (
        <table className="alert-history">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Rule</th>
              <th scope="col">Event</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {newest.map((e) => {
              const severity = severities.get(e.ruleId);
              return (
                <tr key={`${e.kind}:${e.ruleId}:${e.at}`} className={`event-${e.kind}`}>
                  <td>
                    <Time ms={e.at} />
                  </td>
                  <td>
                    {names.get(e.ruleId) ?? e.ruleId}
                    {severity && <span className="muted small"> · {SEVERITY_WORDS[severity]}</span>}
                  </td>
                  <td className="event">{e.kind === 'acknowledged' ? `Acknowledged by ${e.operator}` : EVENT_WORDS[e.kind]}</td>
                  <td>{e.kind === 'acknowledged' ? '' : e.reason}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {log.length > SHOWN && <p className="muted small">Newest {SHOWN} of {log.length} entries.</p>}
    </section>
  );
}

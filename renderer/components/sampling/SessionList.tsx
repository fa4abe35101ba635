import type { SessionListItem } from '../../../shared/bridge.js';
import { useInvoke } from '../../bridge/use-invoke.js';
import { refused, useRefusal } from '../team/use-refusal.js';
import { Time } from '../common/Time.js';

export function progressText(p: { annotated: number; total: number }): string {
  return `${p.annotated} of ${p.total} annotated`;
}

/** Every sampling session, newest first, each resumable where it was left, and drawn again from its own pool on request. */
export function SessionList({ sessions, onOpen }: { sessions: SessionListItem[] | null; onOpen: (s: SessionListItem) => void }) {
  const { invoke, error, busy } = useInvoke();
  const refusal = useRefusal('sampling:redraw');
  const redraw = async (s: SessionListItem) => {
    const item = await invoke('sampling:redraw', { sessionId: s.id, name: `${s.name} (redrawn)` });
    if (item) onOpen(item);
  };
  return (
    <section className="panel" aria-label="Sampling sessions">
      <h2>Sessions</h2>
      {sessions === null ? (
        <p className="muted">Loading sessions…</p>
      ) : sessions.length === 0 ? (
        <p className="muted">No sample drawn yet. Draw one above; it is saved as a session any shift can resume.</p>
      ) : (
        <table className="intents sampling-sessions">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Drawn</th>
              <th scope="col">By</th>
              <th scope="col" title="A seed draws the same calls again only from the same pool snapshot">
                Seed · pool
              </th>
              <th scope="col">Progress</th>
              <th scope="col">
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => {
              const done = s.progress.annotated === s.progress.total;
              return (
                <tr key={s.id} aria-label={`Session ${s.name}`}>
                  <th scope="row">{s.name}</th>
                  <td>
                    <Time ms={Date.parse(s.createdAt)} />
                  </td>
                  <td>{s.createdBy}</td>
                  <td>
                    {s.seed}
                    {s.pool ? (
                      <span className="muted" title={`Drawn from pool snapshot ${s.pool.id}: the ${s.pool.calls.toLocaleString('en-US')} calls held for the range at that moment`}>
                        {' '}
                        · pool {s.pool.id.slice(0, 8)} ({s.pool.calls.toLocaleString('en-US')} calls)
                      </span>
                    ) : (
                      <span className="muted"> · pool not recorded</span>
                    )}
                  </td>
                  <td>
                    <progress max={s.progress.total} value={s.progress.annotated} aria-hidden="true" /> {progressText(s.progress)}
                  </td>
                  <td>
                    <button onClick={() => onOpen(s)} aria-label={`${done ? 'Open' : 'Resume'} session ${s.name}`}>
                      {done ? 'Open' : s.progress.annotated === 0 ? 'Start' : 'Resume'}
                    </button>{' '}
                    {s.pool && (
                      <button
                        {...refused(refusal, busy, 'Draws the same calls again from the same pool snapshot, as a new session with annotations of its own')}
                        onClick={() => void redraw(s)}
                        aria-label={`Redraw with this seed: ${s.name}`}
                      >
                        Redraw with this seed
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </section>
  );
}

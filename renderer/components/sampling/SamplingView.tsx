import { useCallback, useEffect, useState } from 'react';
import type { SessionDetail, SessionListItem } from '../../../shared/bridge.js';
import { useConsole } from '../../state/store.js';
import { selectSamplingRevision } from '../../state/team.js';
import { DrawSampleForm } from './DrawSampleForm.js';
import { ReplayScreen } from './ReplayScreen.js';
import { SessionList } from './SessionList.js';
import { SpreadTable } from './SpreadTable.js';
import './sampling.css';
import { invoke } from '../../bridge/invoke.js';

/** The Sampling tab: draw a sample and pick a session, or replay and annotate the open one. */
export function SamplingView() {
  const sessionId = useConsole((s) => s.replaySession);
  return sessionId ? <ReplayScreen key={sessionId} sessionId={sessionId} /> : <SamplingOverview />;
}

function SamplingOverview() {
  const sessionCount = useConsole((s) => s.snapshot?.sampling.sessions ?? 0);
  // Any session drawn or annotated, by anyone: the list's progress follows within one push.
  const revision = useConsole(selectSamplingRevision);
  const open = useConsole((s) => s.openReplay);
  const lastDrawn = useConsole((s) => s.lastDrawn);
  const setLastDrawn = useConsole((s) => s.setLastDrawn);
  const [sessions, setSessions] = useState<SessionListItem[] | null>(null);
  const [drawn, setDrawn] = useState<SessionDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Kept apart from the draw's error: the next read of the list that works takes it back.
  const [listError, setListError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setSessions(await invoke('sampling:sessions', {}));
      setListError(null);
    } catch (e) {
      setListError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load, sessionCount, revision]);

  useEffect(() => {
    if (!lastDrawn) return;
    let live = true;
    invoke('sampling:session', { sessionId: lastDrawn })
      .then((d) => live && setDrawn(d))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [lastDrawn]);

  return (
    <div className="sampling">
      <HeldCalls />
      <DrawSampleForm onDrawn={(item) => setLastDrawn(item.id)} />
      {drawn && (
        <section className="panel" aria-label="Sample drawn">
          <h2>Sample drawn: {drawn.stored.session.name}</h2>
          <p>
            {drawn.stored.calls.length} calls drawn with seed <strong aria-label="Recorded seed">{drawn.stored.session.seed}</strong> from pool{' '}
            <strong aria-label="Pool snapshot">{drawn.stored.session.poolId?.slice(0, 8) ?? 'not recorded'}</strong>{' '}
            <span className="muted">
              (both recorded with the session: “Redraw with this seed” draws these same calls from this pool; the same seed over the
              calls held later may draw others, as new calls replace held ones)
            </span>
          </p>
          <SpreadTable rows={drawn.spread} />
          <button className="primary" onClick={() => open(drawn.stored.session.id)}>
            Start reviewing
          </button>
        </section>
      )}
      {error && (
        <p role="alert" className="sampling-error">
          {error}
        </p>
      )}
      {listError && (
        <p role="alert" className="sampling-error">
          {listError}
        </p>
      )}
      <SessionList sessions={sessions} onOpen={(s) => open(s.id)} />
    </div>
  );
}

/** How many calls the console holds to sample from, and any reason some may be missing. */
function HeldCalls() {
  const kept = useConsole((s) => s.snapshot?.sampling.keptCalls ?? 0);
  const seen = useConsole((s) => s.snapshot?.sampling.seenCalls ?? 0);
  const problem = useConsole((s) => s.snapshot?.sampling.problem ?? null);
  return (
    <section className="panel sampling-held" aria-label="Calls held for sampling">
      <p>
        <strong>{kept.toLocaleString('en-US')}</strong> calls held for sampling, drawn evenly from the{' '}
        <strong>{seen.toLocaleString('en-US')}</strong> calls of the launch so far, per intent, plus calls with a failure signal.
      </p>
      {problem && (
        <p role="alert" className="sampling-error">
          {problem}
        </p>
      )}
    </section>
  );
}

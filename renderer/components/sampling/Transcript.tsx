import { KPIS, kpiStatus } from '../../../shared/kpi.js';
import type { CallRecord, Turn } from '../../../shared/protocol.js';
import { callOffset } from './call-offset.js';

/** The turn playing at `ms`: the last one started by then. */
export function turnAt(turns: readonly Turn[], ms: number | null): number {
  if (ms === null) return -1;
  let at = -1;
  turns.forEach((t, i) => {
    if (t.startMs <= ms) at = i;
  });
  return at;
}

/**
 * The call turn by turn, with the tool calls the agent made. The turn playing is highlighted;
 * its time button seeks the recording there.
 */
export function Transcript({ call, positionMs, onSeek }: { call: CallRecord; positionMs: number | null; onSeek: (ms: number) => void }) {
  const playing = turnAt(call.turns, positionMs);
  return (
    <section className="panel transcript" aria-label="Transcript">
      <h2>Transcript</h2>
      {call.toolCalls.length > 0 && (
        <ul className="tool-calls" aria-label="Tool calls">
          {call.toolCalls.map((t, i) => (
            <li key={i} className={t.ok ? 'tool-ok' : 'tool-failed'}>
              <span className="tool-mark" aria-hidden="true">
                {t.ok ? '✓' : '✗'}
              </span>{' '}
              <code>{t.name}</code> {t.ok ? 'succeeded' : 'failed'} in {Math.round(t.latencyMs)} ms
              {t.error && <span className="tool-error"> — {t.error}</span>}
            </li>
          ))}
        </ul>
      )}
      {call.turns.length === 0 ? (
        <p className="muted">No turns: the call never connected.</p>
      ) : (
        <ol className="turns">
          {call.turns.map((t, i) => (
            <TurnRow key={i} turn={t} n={i + 1} current={i === playing} onSeek={onSeek} />
          ))}
        </ol>
      )}
    </section>
  );
}

function TurnRow({ turn, n, current, onSeek }: { turn: Turn; n: number; current: boolean; onSeek: (ms: number) => void }) {
  const latencyStatus = turn.latencyMs === undefined ? null : kpiStatus(KPIS.turnLatencyP95, turn.latencyMs);
  return (
    <li
      className={`turn turn-${turn.speaker}${current ? ' turn-current' : ''}`}
      aria-label={`Turn ${n}, ${turn.speaker}`}
      aria-current={current ? 'true' : undefined}
      onClick={() => onSeek(turn.startMs)}
    >
      <div className="turn-meta">
        <button
          className="seek"
          aria-label={`Play turn ${n} from ${callOffset(turn.startMs)}`}
          onClick={(e) => {
            e.stopPropagation();
            onSeek(turn.startMs);
          }}
        >
          ▶ {callOffset(turn.startMs)}–{callOffset(turn.endMs)}
        </button>
        <span className="speaker">{turn.speaker === 'caller' ? 'Caller' : 'Agent'}</span>
        {turn.latencyMs !== undefined && (
          <span className={`turn-figure status-${latencyStatus}`} title={`Response latency; launch target for P95 ≤ ${KPIS.turnLatencyP95.target?.value} ms`}>
            latency {Math.round(turn.latencyMs)} ms
          </span>
        )}
        {turn.sttConfidence !== undefined && (
          <span className="turn-figure" title="Speech-to-text confidence for this turn">
            STT {turn.sttConfidence.toFixed(2)}
          </span>
        )}
        {turn.interrupted && <span className="badge warn">interrupted</span>}
      </div>
      <p className="turn-text">{turn.text}</p>
    </li>
  );
}

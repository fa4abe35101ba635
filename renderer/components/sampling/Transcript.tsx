import { KPIS, kpiStatus } from '../../../shared/kpi.js';
import type { CallRecord, ToolCall, Turn } from '../../../shared/protocol.js';
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

/** Tool calls that say when they started, placed after the turns that started before them. */
function interleave(turns: readonly Turn[], tools: readonly ToolCall[]): ({ turn: Turn; n: number } | { tool: ToolCall; n: number })[] {
  const timed = tools.map((tool, i) => ({ tool, n: i + 1 })).filter((t) => t.tool.startMs !== undefined);
  const out: ({ turn: Turn; n: number } | { tool: ToolCall; n: number })[] = [];
  let next = 0;
  turns.forEach((turn, i) => {
    while (next < timed.length && (timed[next]?.tool.startMs ?? 0) < turn.startMs) out.push(timed[next++] as { tool: ToolCall; n: number });
    out.push({ turn, n: i + 1 });
  });
  return [...out, ...timed.slice(next)];
}

/**
 * The call turn by turn, with the tool calls the agent made at their time, their arguments and
 * result when the platform sends them. The turn playing is highlighted; its time button seeks the
 * recording there.
 */
export function Transcript({ call, positionMs, onSeek }: { call: CallRecord; positionMs: number | null; onSeek: (ms: number) => void }) {
  const playing = turnAt(call.turns, positionMs);
  const untimed = call.toolCalls.map((tool, i) => ({ tool, n: i + 1 })).filter((t) => t.tool.startMs === undefined);
  return (
    <section className="panel transcript" aria-label="Transcript">
      <h2>Transcript</h2>
      {untimed.length > 0 && (
        <ul className="tool-calls" aria-label="Tool calls without a time">
          {untimed.map(({ tool, n }) => (
            <ToolRow key={n} tool={tool} n={n} />
          ))}
        </ul>
      )}
      {call.turns.length === 0 && call.toolCalls.length === 0 ? (
        <p className="muted">No turns: the call never connected.</p>
      ) : (
        <ol className="turns">
          {interleave(call.turns, call.toolCalls).map((row) =>
            'turn' in row ? (
              <TurnRow key={`turn-${row.n}`} turn={row.turn} n={row.n} current={row.n - 1 === playing} onSeek={onSeek} />
            ) : (
              <ToolRow key={`tool-${row.n}`} tool={row.tool} n={row.n} onSeek={onSeek} />
            ),
          )}
        </ol>
      )}
    </section>
  );
}

/** Arguments and results as one line of `key: value` pairs; nested values as JSON. */
function compact(value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(', ');
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function ToolRow({ tool, n, onSeek }: { tool: ToolCall; n: number; onSeek?: (ms: number) => void }) {
  const { startMs } = tool;
  const args = tool['arguments'];
  const result = tool['result'];
  return (
    <li className={`tool-call ${tool.ok ? 'tool-ok' : 'tool-failed'}`} aria-label={`Tool call ${n}, ${tool.name}`}>
      <div className="turn-meta">
        {startMs !== undefined && onSeek && (
          <button className="seek" aria-label={`Play from tool call ${n} at ${callOffset(startMs)}`} onClick={() => onSeek(startMs)}>
            ▶ {callOffset(startMs)}
          </button>
        )}
        <span className="tool-mark" aria-hidden="true">
          {tool.ok ? '✓' : '✗'}
        </span>
        <code>{tool.name}</code>
        <span>
          {tool.ok ? 'succeeded' : 'failed'} in {Math.round(tool.latencyMs)} ms
        </span>
        {tool.error && <span className="tool-error">{tool.error}</span>}
      </div>
      {args !== undefined && (
        <p className="tool-detail">
          <span className="muted">arguments</span> <code>{compact(args)}</code>
        </p>
      )}
      {result !== undefined && (
        <p className="tool-detail">
          <span className="muted">result</span> <code>{compact(result)}</code>
        </p>
      )}
    </li>
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

import type { RoutingView } from '../../shared/console-state.js';

export function RoutingSummary({ routing }: { routing: RoutingView }) {
  const s = routing.state;
  if (!s) {
    return (
      <div className="routing" aria-label="Routing state">
        Routing: <span className="muted">{routing.error ?? 'not yet known'}</span>
      </div>
    );
  }
  const diverted = Object.entries(s.intents).filter(([, r]) => r !== 'agent');
  return (
    <div className={`routing routing-${s.mode}`} aria-label="Routing state">
      <span className="mode">{s.mode.toUpperCase()}</span>
      <span>agent share {s.agentShare}%</span>
      <span>version {s.agentVersion}</span>
      {diverted.length > 0 && (
        <span className="muted">{diverted.map(([i, r]) => `${i}→${r}`).join(', ')}</span>
      )}
      <span className="muted" title={`updated ${s.updatedAt} by ${s.updatedBy}`}>
        v{s.version} via {routing.source}
      </span>
    </div>
  );
}

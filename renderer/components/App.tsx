import { useConsole } from '../store.js';
import { ConnectionStatus, isLive, StaleBanner } from './ConnectionStatus.js';
import { IntentTable } from './IntentTable.js';
import { LayerTiles } from './LayerTiles.js';
import { LiveChart } from './LiveChart.js';
import { RoutingSummary } from './RoutingSummary.js';
import { WindowPicker } from './WindowPicker.js';

export function App() {
  const snapshot = useConsole((s) => s.snapshot);
  const windowMin = useConsole((s) => s.windowMin);
  const setWindow = useConsole((s) => s.setWindow);

  if (!snapshot) return <main className="loading">Connecting to the console core…</main>;
  const live = isLive(snapshot.stream);
  const windows = snapshot.metrics?.windows[windowMin] ?? null;

  return (
    <div className={`app ${live ? 'is-live' : 'is-stale'}`}>
      <header className="topbar">
        <h1>
          Launch Console <span className="muted">· {snapshot.launchName}</span>
        </h1>
        <ConnectionStatus stream={snapshot.stream} />
        <RoutingSummary routing={snapshot.routing} />
        <WindowPicker value={windowMin} onChange={setWindow} />
      </header>
      <StaleBanner stream={snapshot.stream} />
      <main className="dashboard">
        <div className="window-note muted">
          Last {windowMin} min of stream time
          {windows?.overall.incomplete ? ' (incomplete: part of this window was not observed)' : ''} ·{' '}
          {windows?.overall.calls ?? 0} agent calls · {snapshot.metrics?.totalCalls ?? 0} calls since start
        </div>
        <LayerTiles stats={windows?.overall ?? null} live={live} />
        <div className="split">
          <LiveChart series={snapshot.metrics?.series ?? []} />
          <IntentTable intents={snapshot.intents} stats={windows?.intents ?? {}} live={live} />
        </div>
      </main>
    </div>
  );
}

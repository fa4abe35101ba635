import { useConsole } from '../store.js';
import { isLive } from './ConnectionStatus.js';
import { IntentTable } from './IntentTable.js';
import { LayerTiles } from './LayerTiles.js';
import { LiveChart } from './LiveChart.js';
import { WindowPicker } from './WindowPicker.js';

export function Dashboard() {
  const snapshot = useConsole((s) => s.snapshot);
  const windowMin = useConsole((s) => s.windowMin);
  const setWindow = useConsole((s) => s.setWindow);
  if (!snapshot) return null;
  const live = isLive(snapshot.stream);
  const windows = snapshot.metrics?.windows[windowMin] ?? null;
  return (
    <div className="dashboard">
      <div className="window-bar">
        <span className="window-note muted">
          Last {windowMin} min of stream time
          {windows?.overall.incomplete ? ' (incomplete: part of this window was not observed)' : ''} ·{' '}
          {windows?.overall.calls ?? 0} agent calls of {windows?.overall.allCalls ?? 0} · {snapshot.metrics?.totalCalls ?? 0}{' '}
          calls since start
        </span>
        <WindowPicker value={windowMin} onChange={setWindow} />
      </div>
      <LayerTiles stats={windows?.overall ?? null} live={live} />
      <div className="split">
        <LiveChart series={snapshot.metrics?.series ?? []} alerts={snapshot.alerts.log} />
        <IntentTable intents={snapshot.intents} stats={windows?.intents ?? {}} live={live} />
      </div>
    </div>
  );
}

import { useShallow } from 'zustand/react/shallow';
import { selectAlertLog } from '../state/alerts.js';
import { selectIntentStats, selectSeries, selectWindowSummary } from '../state/dashboard.js';
import { selectIntents, selectLive } from '../state/snapshot.js';
import { useConsole } from '../state/store.js';
import { IntentTable } from './IntentTable.js';
import { LayerTiles } from './LayerTiles.js';
import { RolloutPanel } from './rollout/RolloutPanel.js';
import { LiveChart } from './LiveChart.js';
import { WindowPicker } from './WindowPicker.js';

const NO_INTENTS: string[] = [];
const NO_STATS = {};

export function Dashboard() {
  const setWindow = useConsole((s) => s.setWindow);
  const summary = useConsole(useShallow(selectWindowSummary));
  return (
    <div className="dashboard">
      <div className="window-bar">
        <span className="window-note muted">
          Last {summary.windowMin} min of stream time
          {summary.incomplete ? ' (incomplete: part of this window was not observed)' : ''} · {summary.calls} agent calls of{' '}
          {summary.allCalls} · {summary.totalCalls} calls since start
        </span>
        <WindowPicker value={summary.windowMin} onChange={setWindow} />
      </div>
      <LayerTiles />
      <RolloutPanel />
      <div className="split">
        <ChartPanel />
        <IntentPanel />
      </div>
    </div>
  );
}

function ChartPanel() {
  const series = useConsole(selectSeries);
  const log = useConsole(selectAlertLog);
  return <LiveChart series={series ?? []} alerts={log ?? []} />;
}

function IntentPanel() {
  const intents = useConsole(selectIntents);
  const stats = useConsole(selectIntentStats);
  const live = useConsole(selectLive);
  return <IntentTable intents={intents ?? NO_INTENTS} stats={stats ?? NO_STATS} live={live} />;
}

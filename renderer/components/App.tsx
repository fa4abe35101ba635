import { useEffect } from 'react';
import { isEmergencyShortcut } from '../../shared/shortcuts.js';
import { selectConnected, selectLaunchName, selectLive } from '../state/snapshot.js';
import type { View } from '../state/navigation.js';
import { useConsole } from '../state/store.js';
import { selectLink, selectTeamFrozen } from '../state/team.js';
import { AlertStrip } from './alerts/AlertStrip.js';
import { AlertsView } from './alerts/AlertsView.js';
import { AuditView } from './audit/AuditView.js';
import { ReviewCountdown } from './cadence/ReviewCountdown.js';
import { ReviewsView } from './cadence/ReviewsView.js';
import { ConnectionStatus, StaleBanner } from './ConnectionStatus.js';
import { Dashboard } from './Dashboard.js';
import { EmergencyConfirm } from './emergency/EmergencyConfirm.js';
import { EmergencyControls } from './emergency/EmergencyControls.js';
import { Notices } from './Notices.js';
import { SamplingView } from './sampling/SamplingView.js';
import { LaunchDecisionView } from './gates/LaunchDecisionView.js';
import { ShiftOwnerBadge } from './shift/ShiftOwnerBadge.js';
import { LinkBanner } from './team/LinkBanner.js';
import { RefusedScreen } from './team/SignedOut.js';
import { TeamHealthBanners, TeamServers } from './team/TeamHealth.js';
import { PresenceList, SignedInAs } from './team/TeamHeader.js';
import { HandoverPrompt } from './team/TeamShift.js';

const VIEWS: { id: View; label: string }[] = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'alerts', label: 'Alerts' },
  { id: 'reviews', label: 'Reviews' },
  { id: 'sampling', label: 'Sampling' },
  { id: 'decision', label: 'Launch decision' },
  { id: 'audit', label: 'Audit log' },
];

function CurrentView({ view }: { view: View }) {
  switch (view) {
    case 'dashboard':
      return <Dashboard />;
    case 'alerts':
      return <AlertsView />;
    case 'reviews':
      return <ReviewsView />;
    case 'sampling':
      return <SamplingView />;
    case 'decision':
      return <LaunchDecisionView />;
    case 'audit':
      return <AuditView />;
  }
}

export function App() {
  const connected = useConsole(selectConnected);
  const launchName = useConsole(selectLaunchName);
  const live = useConsole(selectLive);
  const view = useConsole((s) => s.view);
  const setView = useConsole((s) => s.setView);
  const openEmergency = useConsole((s) => s.openEmergency);
  const link = useConsole(selectLink);
  const teamFrozen = useConsole(selectTeamFrozen);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isEmergencyShortcut(e)) return;
      e.preventDefault();
      openEmergency({ action: 'stop_all', origin: 'emergency stop shortcut' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openEmergency]);

  if (link.kind === 'refused') return <RefusedScreen link={link} />;
  if (!connected) {
    return (
      <>
        <LinkBanner />
        <main className="loading">Connecting to the console core…</main>
      </>
    );
  }

  // While the link to the console is down every figure is frozen where it dropped: shown as not live. So
  // while the team's database is unreachable or no instance leads: nothing runs the launch to send newer ones.
  return (
    <div className={`app ${live && link.kind !== 'down' && !teamFrozen ? 'is-live' : 'is-stale'}`}>
      <header className="topbar">
        <h1>
          Launch Console <span className="muted">· {launchName}</span>
        </h1>
        <ConnectionStatus />
        <ShiftOwnerBadge />
        <ReviewCountdown />
        <SignedInAs />
        <TeamServers />
        <PresenceList />
      </header>
      <nav className="tabs" aria-label="Screens">
        {VIEWS.map((v) => (
          <button key={v.id} aria-current={view === v.id ? 'page' : undefined} onClick={() => setView(v.id)}>
            {v.label}
          </button>
        ))}
      </nav>
      <LinkBanner />
      <TeamHealthBanners />
      <HandoverPrompt />
      <StaleBanner />
      <AlertStrip />
      <div className="workspace">
        <main className="view">
          <CurrentView view={view} />
        </main>
        <aside className="sidebar">
          <EmergencyControls />
        </aside>
      </div>
      <Notices />
      <EmergencyConfirm />
    </div>
  );
}

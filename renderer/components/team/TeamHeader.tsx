import type { PresentOperator } from '../../../shared/team.js';
import { useConsole } from '../../state/store.js';
import { selectPresent, selectTeamMe } from '../../state/team.js';
import { formatTime } from '../common/Time.js';
import { SCREEN_LABELS } from './screens.js';
import './team.css';

/** "Signed in as Dana Reyes · operator" in the top bar, in team mode only. */
export function SignedInAs() {
  const me = useConsole(selectTeamMe);
  if (!me) return null;
  return (
    <section
      className="team-box signed-in"
      aria-label="Signed in"
      title={`Your session ends by ${formatTime(me.sessionEndsAt, 'day')} at the latest, sooner when left unused`}
    >
      <span className="team-caption">Signed in as</span>{' '}
      <span>
        <strong>{me.name}</strong> · {me.role}
      </span>
    </section>
  );
}

/** The screens one person has open: "Dashboard", "Alerts and Audit log", "Dashboard (2 windows)". */
export function screensText(screens: PresentOperator['screens']): string {
  if (screens.length === 0) return 'just connected';
  const counts = new Map<string, number>();
  for (const s of screens) counts.set(SCREEN_LABELS[s], (counts.get(SCREEN_LABELS[s]) ?? 0) + 1);
  const parts = [...counts].map(([label, n]) => (n > 1 ? `${label} (${n} windows)` : label));
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** Who is connected to this launch now, their role and the screens they look at. */
export function PresenceList() {
  const present = useConsole(selectPresent);
  const me = useConsole(selectTeamMe);
  if (!present) return null;
  return (
    <section className="team-box presence" aria-label="Who is here">
      <span className="team-caption">Here now ({present.length})</span>
      {present.length === 0 ? (
        <span className="muted">nobody</span>
      ) : (
        <ul className="presence-list">
          {present.map((p) => (
            <li key={p.name} aria-label={`${p.name}, ${p.role}, on ${screensText(p.screens)}`}>
              <strong>{p.name}</strong>
              {me?.name === p.name ? ' (you)' : ''} <span className="muted">{p.role} · {screensText(p.screens)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

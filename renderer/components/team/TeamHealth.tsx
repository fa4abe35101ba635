import { useShallow } from 'zustand/react/shallow';
import { useConsole } from '../../state/store.js';
import { selectTeamHealth, type TeamHealthView } from '../../state/team.js';
import { formatTime } from '../common/Time.js';
import './team.css';

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "14:02", or "Thu 14:02" when the moment is not today: a banner left up overnight still reads right. */
function sinceText(ms: number | null): string {
  if (ms === null) return 'the start';
  const sameDay = new Date(ms).toDateString() === new Date().toDateString();
  return formatTime(ms, sameDay ? 'clock' : 'day');
}

/**
 * Which console-server instance serves this window and which leads the launch, small in the top
 * bar: it matters when something fails, and says nothing the rest of the time.
 */
export function TeamServers() {
  const health = useConsole(useShallow(selectTeamHealth));
  if (!health) return null;
  const { instance, leader } = health;
  const leads = leader === null ? 'no instance leads' : leader === instance ? 'which leads the launch' : `${leader} leads`;
  const title =
    leader === null
      ? `This window is served by ${instance}. No instance leads the launch at this moment: one takes over within seconds.`
      : leader === instance
        ? `This window is served by ${instance}, the instance that runs the launch (stream, alerts, countdowns).`
        : `This window is served by ${instance}; ${leader} runs the launch (stream, alerts, countdowns) and ${instance} carries this window's requests to it.`;
  return (
    <section className="team-servers" aria-label="Team servers" title={title}>
      <span className="team-caption">Served by</span>{' '}
      <span className="team-server-name">{instance}</span>
      <span className={leader === null ? 'warn-text' : 'muted'}> · {leads}</span>
    </section>
  );
}

/**
 * What a failure in the team's machinery means for this window, said over every screen: the
 * database gone (nothing can be saved, the launch as last seen), no instance leading (nothing
 * runs the launch for a few seconds), this console acting alone (its actions wait to join the
 * team's log).
 */
export function TeamHealthBanners() {
  const health = useConsole(useShallow(selectTeamHealth));
  if (!health) return null;
  return (
    <>
      {health.databaseDown && <DatabaseBanner health={health} />}
      {!health.databaseDown && health.leader === null && health.aloneSince === null && <NoLeaderBanner />}
      {health.aloneSince !== null ? <AloneBanner health={health} /> : health.journaledAlone > 0 && <MergingNote count={health.journaledAlone} />}
    </>
  );
}

function DatabaseBanner({ health }: { health: TeamHealthView }) {
  const alone = health.aloneSince !== null;
  return (
    <div className="banner banner-team-down" role="alert" aria-label="Team database unreachable">
      <strong>DATABASE UNREACHABLE</strong> The team's database cannot be reached since {sinceText(health.databaseSince)}
      {health.databaseProblem ? <span className="banner-why"> ({health.databaseProblem})</span> : null}. The launch is shown as last seen
      and nothing can be saved until it is back.{' '}
      {alone ? 'Pause ramp, Route to fallback and Stop all still act, alone.' : 'Requests are refused until then, emergency actions included.'}
    </div>
  );
}

function NoLeaderBanner() {
  return (
    <div className="banner banner-team-leaderless" role="alert" aria-label="No instance leads">
      <strong>NO INSTANCE LEADS</strong> No console-server instance runs the launch at this moment, so figures, alerts and
      countdowns wait; another instance takes over within seconds. Requests are refused until then.
    </div>
  );
}

function AloneBanner({ health }: { health: TeamHealthView }) {
  const n = health.journaledAlone;
  // With the database down its banner above already says why.
  const why = health.databaseDown ? null : health.aloneWhy;
  return (
    <div className="banner banner-team-alone" role="alert" aria-label="Acting alone">
      <strong>ACTING ALONE</strong> since {sinceText(health.aloneSince)}
      {why ? <span className="banner-why"> ({why})</span> : null}: Pause ramp, Route to fallback and Stop all go straight to the
      routing provider and are kept in this console's own journal; everything else waits for the team.{' '}
      <strong aria-label="Actions journaled alone">
        {n === 0
          ? 'No action taken alone yet.'
          : `${plural(n, 'action', 'actions')} taken alone ${n === 1 ? 'waits' : 'wait'} to be added to the team's audit log.`}
      </strong>
    </div>
  );
}

function MergingNote({ count }: { count: number }) {
  return (
    <div className="banner banner-team-merging" role="status" aria-label="Actions journaled alone">
      {plural(count, 'action', 'actions')} taken while this console acted alone {count === 1 ? 'is' : 'are'} not in the team's
      audit log yet: {count === 1 ? 'it is' : 'they are'} being added now.
    </div>
  );
}

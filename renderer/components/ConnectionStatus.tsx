import type { StreamStatus } from '../../shared/console-state.js';
import { formatDuration } from '../../shared/format.js';
import { selectStream } from '../state/snapshot.js';
import { useConsole } from '../state/store.js';
import { selectLinkDown } from '../state/team.js';

const PHASE_TEXT: Record<StreamStatus['phase'], string> = {
  connecting: 'Connecting',
  live: 'Live',
  stale: 'Stale',
  reconnecting: 'Reconnecting',
  disconnected: 'Disconnected',
};

/**
 * Whole minutes, so the text changes once a minute; a platform set to go quiet after less than a
 * minute is counted in seconds until then, or it would read "for 0 s".
 */
function quietFor(ms: number): number {
  return ms < 60_000 ? Math.floor(ms / 1000) * 1000 : Math.floor(ms / 60_000) * 60_000;
}

const PLATFORM_NAMES: Record<string, string> = { vapi: 'Vapi', retell: 'Retell', twilio: 'Twilio' };

export function ConnectionStatus() {
  const stream = useConsole(selectStream);
  const linkDown = useConsole(selectLinkDown);
  if (!stream) return null;
  // Cut off from the console itself, the page cannot know how the stream stands: it says so rather than a frozen "Live".
  if (linkDown) {
    return (
      <div className="conn conn-reconnecting" role="status" aria-label="Stream connection">
        <span className="dot" aria-hidden="true" />
        <strong>Console unreachable</strong>
        <span className="muted">reconnecting</span>
      </div>
    );
  }
  const age = stream.dataAgeMs === null ? 'no data yet' : `data ${formatDuration(stream.dataAgeMs)} old`;
  // The stream is up but a platform stopped calling the relay: calls may be ending unseen.
  const quiet = stream.phase === 'live' ? (stream.quietPlatforms ?? []) : [];
  const quietText = quiet
    .map((q) => `No webhooks from ${PLATFORM_NAMES[q.platform] ?? q.platform} ${q.lastWebhookAt === null ? 'yet' : `for ${formatDuration(quietFor(q.quietForMs))}`}`)
    .join('; ');
  return (
    <div className={`conn conn-${quiet.length > 0 ? 'stale' : stream.phase}`} role="status" aria-label="Stream connection">
      <span className="dot" aria-hidden="true" />
      <strong>{quiet.length > 0 ? quietText : PHASE_TEXT[stream.phase]}</strong>
      <span className="muted">{age}</span>
      <RefusedEvents stream={stream} />
    </div>
  );
}

const REFUSED: { key: 'rejected' | 'late' | 'future' | 'duplicates'; label: string }[] = [
  { key: 'rejected', label: 'rejected' },
  { key: 'late', label: 'late' },
  { key: 'future', label: 'future-dated' },
  { key: 'duplicates', label: 'duplicate' },
];

/** Events the console did not count, by kind, with the newest reason in words: none is dropped unseen. */
function RefusedEvents({ stream }: { stream: StreamStatus }) {
  const kinds = REFUSED.filter(({ key }) => stream[key].count > 0);
  if (kinds.length === 0) return null;
  const newest = kinds.map(({ key }) => stream[key]).reduce((a, b) => ((b.lastAt ?? 0) > (a.lastAt ?? 0) ? b : a));
  return (
    <span className="warn-text" aria-label="Events not counted">
      {kinds.map(({ key, label }) => `${stream[key].count} ${label}`).join(' · ')} events not counted; last: {newest.lastReason}
    </span>
  );
}

/** Said in words, over the figures, whenever they are not live. */
export function StaleBanner() {
  const stream = useConsole(selectStream);
  if (!stream || stream.phase === 'live') return null;
  const asOf = stream.lastEventAt ? new Date(stream.lastEventAt).toLocaleTimeString() : null;
  const why =
    stream.phase === 'stale'
      ? `No data from the stream for ${formatDuration(stream.dataAgeMs ?? 0)}.`
      : stream.phase === 'connecting'
        ? 'Waiting for the stream.'
        : `Not connected to the stream (${stream.lastError ?? 'no answer'}).`;
  return (
    <div className="banner banner-stale" role="alert" aria-label="Stale data warning">
      <strong>STALE DATA</strong> {why} {asOf ? `Figures below are as of ${asOf}, not live.` : ''} Emergency
      controls still work.
    </div>
  );
}

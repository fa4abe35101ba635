import { useEffect, useState } from 'react';
import { formatDuration } from '../../../shared/format.js';
import { useConsole } from '../../state/store.js';
import { selectLink } from '../../state/team.js';
import './team.css';

/**
 * Said over every screen while the link to the console is down: the page reconnects on its own,
 * and until it has, every figure and list below is frozen where the link dropped and nothing
 * can be sent.
 */
export function LinkBanner() {
  const link = useConsole(selectLink);
  const [now, setNow] = useState(Date.now());
  const down = link.kind === 'down';
  useEffect(() => {
    if (!down) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [down]);
  if (link.kind !== 'down') return null;
  const retryIn = Math.max(0, Math.ceil((link.retryAt - now) / 1000));
  return (
    <div className="banner banner-link" role="alert" aria-label="Connection to the console">
      <strong>RECONNECTING</strong> The connection to the console dropped {formatDuration(Math.max(0, now - link.since))} ago ({link.reason}).
      The page reconnects on its own: {retryIn > 0 ? `next try in ${retryIn} s` : 'trying now'}
      {link.attempt > 1 ? ` (attempt ${link.attempt})` : ''}. Everything below is as of the drop, and nothing can be sent until
      the page is back.
    </div>
  );
}

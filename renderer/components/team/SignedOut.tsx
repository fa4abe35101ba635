import type { Link } from '../../state/team.js';
import './team.css';

/** What the single-desk web host says when a page comes without its token. */
const HOST_WANTS_TOKEN = new Set(['no token', 'token first']);

/**
 * The page the console turned away, in place of the console: nothing is retried on its own, so
 * the page does not knock on the server's door in a loop. On one desk a wrong token means an
 * address from an earlier start; in team mode the server says why the session is over.
 */
export function RefusedScreen({ link }: { link: Extract<Link, { kind: 'refused' }> }) {
  if (link.mode === 'token') {
    return (
      <main className="loading" role="alert">
        The console refused this page: {link.reason}. Open the address the console printed at its last start.
      </main>
    );
  }
  if (HOST_WANTS_TOKEN.has(link.reason)) {
    // A console on one desk, opened without the token its address carries.
    return (
      <main className="loading" role="alert">
        No console token in the address. Open the full address the console printed (it ends with #token=…).
      </main>
    );
  }
  return (
    <main className="signed-out" aria-labelledby="signed-out-title">
      <section className="panel signed-out-panel" role="alert" aria-label="Signed out">
        <h1 id="signed-out-title">Signed out</h1>
        <p className="signed-out-reason">
          The console server says: <strong>{link.reason}</strong>
        </p>
        <h2>What to do</h2>
        <ol>
          <li>Ask an admin of this launch for a sign-in link (each link works once, for a limited time).</li>
          <li>Open it in this browser: it signs you in and brings you back to the console.</li>
          <li>Signed in already in another tab? Try again here.</li>
        </ol>
        <button onClick={() => location.reload()}>Try again</button>
      </section>
    </main>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import type { RoutingTokenStatus } from '../../../shared/bridge.js';
import { useInvoke } from '../../bridge/use-invoke.js';
import { useConsole } from '../../state/store.js';
import { selectRoutingTokenRevision } from '../../state/team.js';
import { refused, useRefusal } from '../team/use-refusal.js';

/**
 * Whether the console holds a token for the routing provider, and in the desktop app a form to
 * enter one. What is typed goes to the main process and is never shown again: the page keeps
 * no copy and learns only that a token is stored.
 */
export function RoutingToken() {
  const { invoke, error, busy } = useInvoke();
  const [status, setStatus] = useState<RoutingTokenStatus | null>(null);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const refusal = useRefusal('routing:set-token');
  // Read again when anyone sets the token (the counter moves), so every window says the same.
  const revision = useConsole(selectRoutingTokenRevision);

  useEffect(() => {
    void invoke('routing:token-status', {}).then((s) => s && setStatus(s));
  }, [invoke, revision]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const saved = await invoke('routing:set-token', { token: draft });
    if (!saved) return;
    setDraft('');
    setStatus(saved);
    setEditing(false);
  };

  if (!status) return null;
  return (
    <div className="em-block" role="group" aria-label="Routing provider token">
      <p className={status.present ? 'muted em-asof' : 'em-unknown'} aria-label="Routing token status">
        {status.present ? 'Routing token stored. ' : 'No routing token: actions cannot reach the provider. '}
        {status.note}
      </p>
      {status.canEnter && !editing && (
        <button className="em-small" {...refused(refusal)} onClick={() => setEditing(true)}>
          {status.present ? 'Replace routing token' : 'Enter routing token'}
        </button>
      )}
      {editing && (
        <form onSubmit={(e) => void save(e)}>
          <label>
            Routing provider token
            <input
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
            />
          </label>
          <button type="submit" className="em-small" disabled={busy || draft.trim() === ''}>
            Save token
          </button>
          <button
            type="button"
            className="em-small"
            onClick={() => {
              setDraft('');
              setEditing(false);
            }}
          >
            Cancel
          </button>
          {error && (
            <p className="em-unknown" role="alert">
              {error}
            </p>
          )}
        </form>
      )}
    </div>
  );
}

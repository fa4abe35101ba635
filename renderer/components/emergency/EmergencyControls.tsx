import { useState } from 'react';
import type { InProgressEstimate, PendingAfterRestart } from '../../../shared/actions.js';
import type { ActionsView, RoutingView } from '../../../shared/console-state.js';
import type { RoutingActionName } from '../../../shared/protocol.js';
import { formatDuration } from '../../../shared/format.js';
import { emergencyShortcutAria, emergencyShortcutLabel, isMacPlatform } from '../../../shared/shortcuts.js';
import { ACTION_TITLES, actionLabel, actionStepText, titleOfAction } from '../../../shared/action-text.js';
import { errorText, invoke } from '../../bridge/invoke.js';
import { Time } from '../common/Time.js';
import { selectActions, selectRouting } from '../../state/emergency.js';
import { selectIntents } from '../../state/snapshot.js';
import { useConsole } from '../../state/store.js';
import { actionRefusal, channelRefusal, selectMe } from '../../state/team.js';
import { refused } from '../team/use-refusal.js';
import { OutcomeText } from './OutcomeText.js';
import { RoutingToken } from './RoutingToken.js';
import './emergency.css';

const ORIGIN = 'emergency controls';
const MAC = isMacPlatform(
  (navigator as Navigator & { userAgentData?: { platform: string } }).userAgentData?.platform ?? navigator.platform,
);

/**
 * The always-visible sidebar: what the provider says the routing is, the buttons that change it
 * (each opens the confirm), and what the last action did. Nothing here depends on the metric
 * stream, so it works the same while the stream is stale or down.
 */
export function EmergencyControls() {
  const routing = useConsole(selectRouting);
  const actions = useConsole(selectActions);
  const intents = useConsole(selectIntents);
  const now = useConsole((s) => s.snapshot?.generatedAt);
  const hasRunbook = useConsole((s) => s.snapshot?.hasRunbook);
  if (!routing || !actions || !intents || now === undefined) {
    return <section className="panel emergency" aria-label="Emergency controls" />;
  }
  return (
    <section className="panel emergency" aria-label="Emergency controls">
      <h2>Emergency controls</h2>
      {hasRunbook === false && (
        <p className="em-unknown" role="note" aria-label="No runbook">
          No runbook: this console was started without manual steps in its launch configuration, so an action the provider
          does not confirm comes with no steps to do by hand. Add <code>runbooks</code> (or <code>runbook</code>) to the
          configuration and restart.
        </p>
      )}
      <ProviderState routing={routing} now={now} />
      {actions.inProgressEstimate !== null && <InProgress estimate={actions.inProgressEstimate} />}
      <PendingAfterRestartList items={actions.pendingAfterRestart} />
      <ActionButtons routing={routing} intents={intents} />
      <InFlight actions={actions} now={now} />
      {actions.lastOutcome && (
        <div className="em-block" aria-label="Last action">
          <h3>
            Last action: {actionLabel(actions.lastOutcome.request)}, by {actions.lastOutcome.request.operator}
          </h3>
          <OutcomeText outcome={actions.lastOutcome} at={actions.lastOutcomeAt} announce={false} />
        </div>
      )}
      <Recovery actions={actions} />
      <RoutingToken />
    </section>
  );
}

function ProviderState({ routing, now }: { routing: RoutingView; now: number }) {
  const [refreshing, setRefreshing] = useState(false);
  const refresh = () => {
    setRefreshing(true);
    void invoke('routing:refresh', {}).finally(() => setRefreshing(false));
  };
  const s = routing.state;
  const age = routing.observedAt === null ? null : formatDuration(Math.max(0, now - routing.observedAt));
  return (
    <div className="em-block em-state" role="group" aria-label="Provider routing state">
      {s ? (
        <>
          <div className="em-state-head">
            <span className={`em-mode em-mode-${s.mode}`} aria-label="Routing mode">
              {s.mode.toUpperCase()}
            </span>
            <span aria-label="Agent share">agent {s.agentShare}%</span>
            <span aria-label="Agent version" title={s.previousVersion ? `previous: ${s.previousVersion}` : 'no previous version'}>
              {s.agentVersion}
            </span>
          </div>
          <ul className="em-routes" aria-label="Routes by intent">
            {Object.entries(s.intents).map(([intent, route]) => (
              <li key={intent} className={route === 'agent' ? '' : 'em-route-off'}>
                <span>{intent.replace(/_/g, ' ')}</span>
                <span>→ {route}</span>
              </li>
            ))}
          </ul>
          <p className="muted em-asof">
            as of {age} ago, from the {routing.source === 'provider' ? 'provider' : 'stream'} (v{s.version}, by {s.updatedBy})
          </p>
        </>
      ) : (
        <p className="em-unknown">
          <strong>Routing state unknown</strong>
          {routing.error ? `: ${routing.error}` : ': no reply from the provider yet'}
        </p>
      )}
      {s && routing.error && (
        <p className="em-unknown" role="status">
          Provider cannot be read now: {routing.error}. Showing the last state read.
        </p>
      )}
      <button className="em-small" onClick={refresh} disabled={refreshing}>
        {refreshing ? 'Reading…' : 'Read provider now'}
      </button>
    </div>
  );
}

function ActionButtons({ routing, intents }: { routing: RoutingView; intents: string[] }) {
  const openEmergency = useConsole((s) => s.openEmergency);
  const capabilities = useConsole((s) => s.snapshot?.actions.capabilities);
  const can = (action: RoutingActionName) => capabilities?.actions.includes(action) ?? true;
  const byIntent = capabilities?.intentScoped ?? true;
  const [chosen, setChosen] = useState<string[]>([]);
  const [share, setShare] = useState('');
  const known = routing.state ? Object.keys(routing.state.intents) : intents;
  const shareValue = share.trim() === '' ? null : Number(share);
  const shareOk = shareValue !== null && Number.isFinite(shareValue) && shareValue >= 0 && shareValue <= 100;
  const toggle = (intent: string, on: boolean) =>
    setChosen((c) => (on ? [...c.filter((i) => i !== intent), intent] : c.filter((i) => i !== intent)));
  const previous = routing.state?.previousVersion;
  // In team mode, the actions this operator's role may not trigger are shown disabled, saying why.
  const me = useConsole(selectMe);
  const no = (action: RoutingActionName) => actionRefusal(me, action);

  return (
    <div className="em-block em-actions">
      <div className="em-stop">
        <button
          className="em-danger"
          aria-keyshortcuts={emergencyShortcutAria(MAC)}
          {...refused(no('stop_all'))}
          onClick={() => openEmergency({ action: 'stop_all', origin: ORIGIN })}
        >
          {ACTION_TITLES.stop_all}
        </button>
        <kbd title="Emergency stop shortcut">{emergencyShortcutLabel(MAC)}</kbd>
      </div>
      <div className="em-row">
        <button {...refused(no('pause_ramp'))} onClick={() => openEmergency({ action: 'pause_ramp', origin: ORIGIN })}>
          {ACTION_TITLES.pause_ramp}
        </button>
        <button
          onClick={() => openEmergency({ action: 'rollback', origin: ORIGIN })}
          {...refused(no('rollback'), false, previous ? `Back to ${previous}` : 'The provider names no previous version')}
        >
          {ACTION_TITLES.rollback}
        </button>
        <button {...refused(no('resume'))} onClick={() => openEmergency({ action: 'resume', origin: ORIGIN })}>
          {ACTION_TITLES.resume}
        </button>
      </div>
      <fieldset className="em-fallback">
        <legend>{byIntent ? 'Intents to route (none ticked: all)' : 'Routes every intent: the provider cannot route by intent'}</legend>
        {byIntent &&
          known.map((intent) => (
            <label key={intent}>
              <input type="checkbox" checked={chosen.includes(intent)} onChange={(e) => toggle(intent, e.target.checked)} />
              {intent.replace(/_/g, ' ')}
            </label>
          ))}
        {(['route_fallback', 'route_human'] as const).filter(can).map((action) => (
          <button
            key={action}
            {...refused(no(action))}
            onClick={() =>
              openEmergency({
                action,
                ...(byIntent && chosen.length > 0 ? { intents: known.filter((i) => chosen.includes(i)) } : {}),
                origin: ORIGIN,
              })
            }
          >
            {ACTION_TITLES[action]}
          </button>
        ))}
        <span className="muted em-hint">{!byIntent || chosen.length === 0 ? 'all intents' : `${chosen.length} chosen`}</span>
      </fieldset>
      <div className="em-row em-share">
        <label>
          Agent share (%)
          <input
            type="number"
            min={0}
            max={100}
            step={1}
            value={share}
            placeholder={routing.state ? String(routing.state.agentShare) : ''}
            onChange={(e) => setShare(e.target.value)}
          />
        </label>
        <button
          {...refused(no('set_share'), !shareOk)}
          onClick={() => shareValue !== null && openEmergency({ action: 'set_share', share: shareValue, origin: ORIGIN })}
        >
          {ACTION_TITLES.set_share}
        </button>
      </div>
    </div>
  );
}

function InFlight({ actions, now }: { actions: ActionsView; now: number }) {
  const f = actions.inFlight;
  if (!f) return null;
  const action = titleOfAction(f.action);
  return (
    <p className="em-block em-inflight" role="status" aria-label="Action in progress">
      {action}
      {f.background ? ' (no verdict by the deadline; still trying in the background)' : ''}:{' '}
      {actionStepText(f.step, f.attempt, f.maxAttempts)}… ({formatDuration(Math.max(0, now - f.startedAt))})
    </p>
  );
}

function InProgress({ estimate }: { estimate: InProgressEstimate }) {
  const stale = estimate.staleForMs !== null;
  return (
    <p className={`em-asof ${stale ? 'em-stale' : 'muted'}`} aria-label="Agent calls in progress">
      {stale && <strong>Stale, as of {formatDuration(estimate.staleForMs ?? 0)} ago: </strong>}
      About {estimate.calls} agent {estimate.calls === 1 ? 'call' : 'calls'} in progress, {estimate.basis}; a change affects new
      calls only.
    </p>
  );
}

/**
 * Actions confirmed before the console restarted that the provider does not show as applied:
 * nothing is sent again until someone here says so, since the routing may have been changed by
 * hand meanwhile.
 */
function PendingAfterRestartList({ items }: { items: PendingAfterRestart[] }) {
  if (items.length === 0) return null;
  return (
    <div className="em-block em-pending" role="group" aria-label="Pending from before the restart">
      <h3>Was this applied? Pending from before the restart</h3>
      {items.map((item) => (
        <PendingItem key={item.intent.id} item={item} />
      ))}
    </div>
  );
}

function PendingItem({ item }: { item: PendingAfterRestart }) {
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const me = useConsole(selectMe);
  const refusal = channelRefusal(me, 'routing:resolve-pending') ?? actionRefusal(me, item.intent.req.action);
  const label = actionLabel(item.intent.req);
  const decide = (decision: 'resend' | 'discard') => {
    setBusy(true);
    setProblem(null);
    invoke('routing:resolve-pending', { intentId: item.intent.id, decision })
      .catch((e: unknown) => setProblem(errorText(e)))
      .finally(() => {
        setBusy(false);
        setConfirming(false);
      });
  };
  const s = item.state;
  return (
    <div className="em-pending-item" role="group" aria-label={`Pending: ${label}`}>
      <p>
        <strong>{label}</strong>, confirmed by {item.intent.req.operator} at <Time ms={item.intent.createdAt} form="clock" seconds />
        {item.intent.req.reason ? ` (reason: ${item.intent.req.reason})` : ''}
      </p>
      <p className={item.check === 'unknown' ? 'em-unknown' : ''}>
        {item.check === 'unknown'
          ? `Unknown: the provider could not be read${item.error ? ` (${item.error})` : ''}.`
          : 'Not applied: the provider does not show this change.'}
        {s && ` Provider now: ${s.mode.toUpperCase()}, agent ${s.agentShare}%, ${s.agentVersion} (v${s.version}, by ${s.updatedBy}).`}
      </p>
      {item.automaticNote && <p className="muted">{item.automaticNote}</p>}
      {item.resolving || busy ? (
        <p role="status" className="em-inflight">
          Settling…
        </p>
      ) : confirming ? (
        <div className="em-row">
          <button className="em-danger" {...refused(refusal)} onClick={() => decide('resend')}>
            Confirm: send “{label}” again
          </button>
          <button onClick={() => setConfirming(false)}>Cancel</button>
        </div>
      ) : (
        <div className="em-row">
          <button {...refused(refusal)} onClick={() => setConfirming(true)}>
            Send again…
          </button>
          <button {...refused(refusal)} onClick={() => decide('discard')}>
            Discard (do not send)
          </button>
        </div>
      )}
      {problem && (
        <p className="em-unknown" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

function Recovery({ actions }: { actions: ActionsView }) {
  const r = actions.recovery;
  if (!r) return null;
  return (
    <div className="em-block em-recovery" role="group" aria-label="Recovery watch">
      <h3>Recovery watch{r.done ? '' : ' (watching)'}</h3>
      {actions.recoveryNote && <p className="muted">{actions.recoveryNote}</p>}
      <ul>
        <li className={r.streamConfirmed ? 'em-ok' : ''}>{r.streamText}</li>
        {r.kpis.map((k) => (
          <li key={k.kpi} className={k.recovered ? 'em-ok' : ''}>
            {k.text}
          </li>
        ))}
      </ul>
    </div>
  );
}

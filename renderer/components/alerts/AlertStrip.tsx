import { useEffect, useState } from 'react';
import type { AutoActCountdown } from '../../../shared/alerts.js';
import type { AlertView } from '../../../shared/console-state.js';
import { unlockAlertSoundOnGesture } from '../../sound/alert-sound.js';
import { useAlertSound } from '../../sound/use-alert-sound.js';
import { selectAlerts, selectCountdowns } from '../../state/alerts.js';
import { useConsole } from '../../state/store.js';
import { Time } from '../common/Time.js';
import { needsAttention, scopeText, SEVERITY_WORDS, STATE_WORDS } from './alert-format.js';
import { MuteToggle } from './MuteToggle.js';
import './alerts.css';
import { errorText, invoke } from '../../bridge/invoke.js';
import { actionRefusal, channelRefusal, selectMe } from '../../state/team.js';
import { refused } from '../team/use-refusal.js';

const STATE_RANK = { firing: 0, nodata: 1, recovering: 2, pending: 3, resolved: 4, insufficient: 5, ok: 6 } as const;
const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

function byUrgency(a: AlertView, b: AlertView): number {
  return STATE_RANK[a.state.state] - STATE_RANK[b.state.state] || SEVERITY_RANK[a.rule.severity] - SEVERITY_RANK[b.rule.severity];
}

/** Above every screen while any alert is pending, firing, recovering or open without data. */
export function AlertStrip() {
  const alerts = useConsole(selectAlerts);
  const countdowns = useConsole(selectCountdowns);
  const muted = useConsole((s) => s.muted);
  const onAlertsTab = useConsole((s) => s.view === 'alerts');
  useAlertSound(alerts, muted);
  useEffect(() => unlockAlertSoundOnGesture(window), []);

  const shown = (alerts ?? []).filter((a) => needsAttention(a.state)).sort(byUrgency);
  if (shown.length === 0) return null;
  const firing = shown.filter((a) => a.state.firedAt !== undefined).length;
  return (
    <section className="alert-strip" aria-label="Firing alerts">
      <div className="alert-strip-head">
        <strong>
          {firing > 0 ? `${firing} alert${firing === 1 ? '' : 's'} up` : 'No alert up'}
          {shown.length > firing ? ` · ${shown.length - firing} pending` : ''}
        </strong>
        {/* The Alerts tab has its own toggle; one control per screen keeps its name unique. */}
        {!onAlertsTab && <MuteToggle />}
      </div>
      <ul>
        {shown.map((a) => (
          <AlertLine
            key={a.rule.id}
            alert={a}
            countdown={countdowns?.find((c) => c.ruleId === a.rule.id && (c.status === 'counting' || c.status === 'paused')) ?? null}
          />
        ))}
      </ul>
    </section>
  );
}

function AlertLine({ alert, countdown }: { alert: AlertView; countdown: AutoActCountdown | null }) {
  const { rule, state, acknowledged, recommendation: action } = alert;
  const [error, setError] = useState<string | null>(null);
  const me = useConsole(selectMe);
  const send = (channel: 'alerts:acknowledge' | 'alerts:cancel-auto-act') => {
    setError(null);
    invoke(channel, { ruleId: rule.id }).catch((e: unknown) => setError(errorText(e)));
  };
  // The reason already says for how long; the clock time says from when the breach began.
  const since = state.pendingSince ?? state.since;
  return (
    <li className={`alert-line severity-${rule.severity} state-${state.state}`} aria-label={`${SEVERITY_WORDS[rule.severity]} alert: ${rule.name}`}>
      <span className="alert-badge">{SEVERITY_WORDS[rule.severity]}</span>
      <span className="alert-what">
        <strong>{rule.name}</strong>
        <span className="muted"> · {scopeText(rule.scope)}</span>
        <span className="alert-state"> {STATE_WORDS[state.state]}</span>
        <span className="alert-reason">{state.reason}</span>
        <span className="muted alert-since">
          since <Time ms={since} form="clock" />
        </span>
      </span>
      <span className="alert-actions">
        {action && (
          <button
            className="alert-action"
            {...refused(actionRefusal(me, action.action) ?? (action.pauseRamp ? actionRefusal(me, 'pause_ramp') : null), false, action.basis || undefined)}
            onClick={() =>
              useConsole.getState().openEmergency({
                action: action.action,
                ...(action.intents ? { intents: action.intents } : {}),
                ...(action.pauseRamp ? { pauseRamp: true } : {}),
                ...(action.basis ? { basis: action.basis } : {}),
                reason: state.reason,
                origin: `alert: ${rule.name}`,
              })
            }
          >
            {action.label}
          </button>
        )}
        {state.firedAt !== undefined &&
          (acknowledged ? (
            <span className="alert-ack">
              Acknowledged by {acknowledged.by} at <Time ms={acknowledged.at} form="clock" />
            </span>
          ) : (
            <button aria-label={`Acknowledge ${rule.name}`} {...refused(channelRefusal(me, 'alerts:acknowledge'))} onClick={() => send('alerts:acknowledge')}>
              Acknowledge
            </button>
          ))}
      </span>
      {countdown && <Countdown countdown={countdown} refusal={channelRefusal(me, 'alerts:cancel-auto-act')} onCancel={() => send('alerts:cancel-auto-act')} />}
      {error && (
        <span className="alert-error" role="alert">
          {error}
        </span>
      )}
    </li>
  );
}

function Countdown({ countdown, refusal, onCancel }: { countdown: AutoActCountdown; refusal: string | null; onCancel: () => void }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  const paused = countdown.status === 'paused';
  const left = paused ? Math.ceil((countdown.remainingMs ?? 0) / 1000) : Math.max(0, Math.ceil((countdown.dueAt - now) / 1000));
  return (
    <span className="alert-countdown" role="timer" aria-label={`Automatic action for ${countdown.ruleName}`}>
      <strong>
        {paused
          ? `Automatic action paused (${countdown.note ?? 'the alert stopped firing'}), ${left} s left if the breach returns: ${countdown.text}`
          : `Automatic action in ${left} s: ${countdown.text}`}
      </strong>
      <button className="danger-outline" aria-label={`Cancel automatic action for ${countdown.ruleName}`} {...refused(refusal)} onClick={onCancel}>
        Cancel
      </button>
    </span>
  );
}

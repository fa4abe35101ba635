import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ActionOutcome } from '../../../shared/actions.js';
import type { PreparedAction } from '../../../shared/bridge.js';
import { selectOperator } from '../../state/snapshot.js';
import { selectInFlight, selectLastOutcome, type EmergencyRequest } from '../../state/emergency.js';
import { useConsole } from '../../state/store.js';
import { actionRefusal, selectMe, selectTeamMe } from '../../state/team.js';
import { ACTION_TITLES, actionStepText, intentWords, isIntentScoped } from '../../../shared/action-text.js';
import { OutcomeText } from './OutcomeText.js';
import './emergency.css';
import { errorText, invoke } from '../../bridge/invoke.js';

type Phase =
  | { kind: 'preparing' }
  | { kind: 'prepare-failed'; error: string }
  | { kind: 'ready'; prepared: PreparedAction }
  | { kind: 'sending'; prepared: PreparedAction }
  | { kind: 'done'; prepared: PreparedAction; outcome: ActionOutcome }
  | { kind: 'send-failed'; prepared: PreparedAction; error: string };

/** The one confirm every emergency action goes through, whoever opened it. */
export function EmergencyConfirm() {
  const request = useConsole((s) => s.emergency);
  if (!request) return null;
  return <ConfirmDialog request={request} />;
}


function ConfirmDialog({ request }: { request: EmergencyRequest }) {
  const close = useConsole((s) => s.closeEmergency);
  const owner = useConsole(selectOperator);
  const streamPhase = useConsole((s) => s.snapshot?.stream.phase);
  const inFlight = useConsole(selectInFlight);
  const byIntent = useConsole((s) => s.snapshot?.actions.capabilities.intentScoped ?? true);
  const me = useConsole(selectMe);
  const [phase, setPhase] = useState<Phase>({ kind: 'preparing' });
  const [reason, setReason] = useState(request.reason ?? '');
  const [intents, setIntents] = useState<string[]>(request.intents ?? []);
  const [pauseRamp, setPauseRamp] = useState(request.pauseRamp ?? false);
  // The operator's choice of intents and pause, as one value the prepare below depends on.
  const choice = JSON.stringify({ intents, pauseRamp });
  const [attempt, setAttempt] = useState(0);
  // A second click lands before React re-renders the disabled button; this ref refuses it.
  const sent = useRef(false);
  const dialog = useRef<HTMLDivElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  // Bumped whenever another request replaces this one, so a late reply cannot land on it.
  const generation = useRef(0);

  useEffect(() => {
    setReason(request.reason ?? '');
    setIntents(request.intents ?? []);
    setPauseRamp(request.pauseRamp ?? false);
  }, [request]);

  useEffect(() => {
    generation.current += 1;
    sent.current = false;
    setPhase({ kind: 'preparing' });
    let cancelled = false;
    const chosen = JSON.parse(choice) as { intents: string[]; pauseRamp: boolean };
    const req = {
      action: request.action,
      ...(chosen.intents.length > 0 ? { intents: chosen.intents } : {}),
      ...(request.share !== undefined ? { share: request.share } : {}),
      ...(chosen.pauseRamp ? { pauseRamp: true } : {}),
    };
    invoke('routing:prepare', req).then(
      (prepared) => !cancelled && setPhase({ kind: 'ready', prepared }),
      (e: unknown) => !cancelled && setPhase({ kind: 'prepare-failed', error: errorText(e) }),
    );
    return () => {
      cancelled = true;
    };
  }, [request, attempt, choice]);

  useEffect(() => {
    reasonField.current?.focus();
  }, [request]);

  // After taking the shift the focused button is gone: bring the operator back to the reason.
  const ready = phase.kind === 'ready';
  useEffect(() => {
    if (ready && !dialog.current?.contains(document.activeElement)) reasonField.current?.focus();
  }, [ready]);

  const confirm = () => {
    if (sent.current || phase.kind !== 'ready' || refusal !== null) return;
    sent.current = true;
    const { prepared } = phase;
    const mine = generation.current;
    setPhase({ kind: 'sending', prepared });
    const text = reason.trim();
    invoke('routing:execute', { intentId: prepared.intent.id, ...(text ? { reason: text } : {}) })
      .then(
        (outcome) => mine === generation.current && setPhase({ kind: 'done', prepared, outcome }),
        (e: unknown) => mine === generation.current && setPhase({ kind: 'send-failed', prepared, error: errorText(e) }),
      );
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'Tab') {
      trapFocus(e, dialog.current);
    }
  };

  const prepared = 'prepared' in phase ? phase.prepared : null;
  // In team mode a role the launch does not let trigger this action sees why instead of a Confirm that would be refused.
  const refusal = actionRefusal(me, request.action) ?? (pauseRamp ? actionRefusal(me, 'pause_ramp') : null);
  const title = prepared?.effect.title ?? ACTION_TITLES[request.action];
  const settled = phase.kind === 'done' || phase.kind === 'send-failed';

  useEffect(() => {
    if (settled) closeButton.current?.focus();
  }, [settled]);

  return (
    <div className="em-backdrop">
      <div
        ref={dialog}
        className="em-dialog panel"
        role="dialog"
        aria-modal="true"
        aria-label={`Confirm ${title}`}
        onKeyDown={onKeyDown}
      >
        <h2 className="em-dialog-title">{title}</h2>
        <p className="muted em-origin">
          Opened from {request.origin}
          {prepared ? ` · stamped with ${prepared.intent.req.operator}` : ''}
        </p>
        {phase.kind === 'preparing' && <p>Working out what this changes…</p>}
        {phase.kind === 'prepare-failed' &&
          (owner === null && refusal === null ? (
            <TakeShift error={phase.error} onTaken={() => setAttempt((n) => n + 1)} />
          ) : (
            <p className="em-unknown" role="alert">
              {phase.error}
            </p>
          ))}
        {refusal && (
          <p className="em-unknown" role="note" aria-label="Not for your role">
            {refusal}
          </p>
        )}
        {isIntentScoped(request.action) && byIntent && (
          <IntentPicker
            chosen={intents}
            onChange={setIntents}
            basis={request.basis}
            pauseRamp={pauseRamp}
            onPauseRamp={setPauseRamp}
            disabled={phase.kind === 'sending' || settled}
          />
        )}
        {prepared && (
          <dl className="em-effect">
            <dt>New calls</dt>
            <dd>{prepared.effect.newCalls}</dd>
            <dt>Calls in progress</dt>
            <dd>{prepared.effect.inProgress}</dd>
          </dl>
        )}
        {streamPhase !== undefined && streamPhase !== 'live' && (
          <p className="em-note">
            The metric stream is {streamPhase}: figures are not live, but the action goes straight to the routing provider and is
            verified there.
          </p>
        )}
        <label className="em-reason">
          Reason (optional, goes into the audit log)
          <textarea
            ref={reasonField}
            rows={2}
            value={reason}
            disabled={phase.kind === 'sending' || settled}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        {phase.kind === 'sending' && (
          <p role="status" className="em-inflight" aria-label="Action progress">
            {inFlight?.intentId === phase.prepared.intent.id
              ? `${capitalise(actionStepText(inFlight.step, inFlight.attempt, inFlight.maxAttempts))}…`
              : 'Sending…'}
          </p>
        )}
        {phase.kind === 'done' && <Outcome sent={phase.outcome} />}
        {phase.kind === 'send-failed' && (
          <p className="em-unknown" role="alert">
            {phase.error}
          </p>
        )}
        <div className="em-dialog-buttons">
          {!settled && (
            <button
              className="em-danger"
              onClick={confirm}
              disabled={phase.kind !== 'ready' || refusal !== null}
              aria-disabled={phase.kind !== 'ready' || refusal !== null}
              title={refusal ?? undefined}
            >
              Confirm
            </button>
          )}
          <button ref={closeButton} onClick={close}>
            {settled ? 'Close' : 'Cancel'}
          </button>
        </div>
      </div>
    </div>
  );
}

/**
 * The intents a route applies to, prefilled from where the figures point and open to change: the
 * operator may know better than the figures. None ticked routes every intent.
 */
function IntentPicker(props: {
  chosen: string[];
  onChange: (intents: string[]) => void;
  basis: string | undefined;
  pauseRamp: boolean;
  onPauseRamp: (on: boolean) => void;
  disabled: boolean;
}) {
  const routing = useConsole((s) => s.snapshot?.routing.state);
  const configured = useConsole((s) => s.snapshot?.intents);
  const known = routing ? Object.keys(routing.intents) : (configured ?? []);
  const { chosen, onChange, disabled } = props;
  const toggle = (intent: string, on: boolean) => onChange(known.filter((i) => (i === intent ? on : chosen.includes(i))));
  return (
    <fieldset className="em-fallback em-intents" aria-label="Intents to route">
      <legend>Intents to route ({chosen.length === 0 ? 'none ticked: every intent' : `${chosen.length} of ${known.length}`})</legend>
      {known.map((intent) => (
        <label key={intent}>
          <input type="checkbox" checked={chosen.includes(intent)} disabled={disabled} onChange={(e) => toggle(intent, e.target.checked)} />
          {intentWords(intent)}
        </label>
      ))}
      {props.basis && <p className="muted em-basis">{props.basis}</p>}
      <label className="em-pause-too">
        <input type="checkbox" checked={props.pauseRamp} disabled={disabled} onChange={(e) => props.onPauseRamp(e.target.checked)} />
        Also pause the ramp (sent after the route, verified on its own)
      </label>
    </fieldset>
  );
}

/**
 * The verdict the bridge call returned; when that was "still trying in the background" at the
 * deadline, the final outcome replaces it here as soon as the core has it, with the step it is on
 * until then.
 */
function Outcome({ sent }: { sent: ActionOutcome }) {
  const last = useConsole(selectLastOutcome);
  const inFlight = useConsole(selectInFlight);
  const final = sent.background && last?.intentId === sent.intentId && !last.background ? last : null;
  if (final) return <OutcomeText outcome={final} at={null} announce />;
  return (
    <>
      <OutcomeText outcome={sent} at={null} announce />
      {sent.background && inFlight?.intentId === sent.intentId && (
        <p role="status" className="em-inflight" aria-label="Still trying">
          Still trying: {actionStepText(inFlight.step, inFlight.attempt, inFlight.maxAttempts)}…
        </p>
      )}
    </>
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Nobody owns the shift: the action needs a name to stamp, so take the shift right here. In team
 * mode the operator is signed in and takes it as themselves.
 */
function TakeShift({ error, onTaken }: { error: string; onTaken: () => void }) {
  const me = useConsole(selectTeamMe);
  return me ? <TakeShiftAsMe error={error} name={me.name} onTaken={onTaken} /> : <TakeShiftByName error={error} onTaken={onTaken} />;
}

function TakeShiftAsMe({ error, name, onTaken }: { error: string; name: string; onTaken: () => void }) {
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <div className="em-take-shift" role="alert">
      <p>{error}</p>
      <div className="em-row">
        <button onClick={() => void invoke('team:take-shift', {}).then(onTaken, (e: unknown) => setProblem(errorText(e)))}>
          Take the shift as {name}
        </button>
      </div>
      {problem && <p className="em-unknown">{problem}</p>}
    </div>
  );
}

function TakeShiftByName({ error, onTaken }: { error: string; onTaken: () => void }) {
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = () => {
    const trimmed = name.trim();
    if (!trimmed) {
      setProblem('Type your name first');
      return;
    }
    invoke('operator:set-shift-owner', { name: trimmed })
      .then(onTaken, (e: unknown) => setProblem(errorText(e)));
  };
  return (
    <div className="em-take-shift" role="alert">
      <p>{error}</p>
      <div className="em-row">
        <label>
          Your name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') submit();
            }}
          />
        </label>
        <button onClick={submit}>Take the shift</button>
      </div>
      {problem && <p className="em-unknown">{problem}</p>}
    </div>
  );
}

function trapFocus(e: KeyboardEvent<HTMLDivElement>, root: HTMLDivElement | null): void {
  if (!root) return;
  const items = [...root.querySelectorAll<HTMLElement>('button, textarea, input, [tabindex]')].filter(
    (el) => !el.hasAttribute('disabled') && el.tabIndex >= 0,
  );
  const first = items[0];
  const last = items.at(-1);
  if (!first || !last) return;
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}

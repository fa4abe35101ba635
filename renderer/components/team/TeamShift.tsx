import { useState, type FormEvent } from 'react';
import type { HandoverOffer } from '../../../shared/team.js';
import { useInvoke } from '../../bridge/use-invoke.js';
import { selectOperator } from '../../state/snapshot.js';
import { useConsole } from '../../state/store.js';
import { selectHandover, selectPresent, selectTeamMe } from '../../state/team.js';
import { Time } from '../common/Time.js';
import { refused, useRefusal } from './use-refusal.js';
import '../shift/shift.css';
import './team.css';
import { FormFooter } from '../common/FormFooter.js';

type Form = 'offer' | 'take' | null;

/**
 * The shift owner in team mode. The shift passes by handover: its owner offers it (to a named
 * operator or to any) with a note, the next one accepts it, and the owner may withdraw the offer
 * until then. When nobody owns the shift an operator takes it; an admin may take over a shift
 * whose owner has gone.
 */
export function TeamShiftBadge() {
  const owner = useConsole(selectOperator);
  const me = useConsole(selectTeamMe);
  const offer = useConsole(selectHandover);
  const takeRefusal = useRefusal('team:take-shift');
  const [form, setForm] = useState<Form>(null);
  const { invoke, error, busy } = useInvoke();
  const mine = me !== null && owner?.name === me.name;
  const toggle = (f: Exclude<Form, null>) => setForm(form === f ? null : f);
  const withdraw = () => void invoke('team:cancel-handover', {});

  return (
    <section className={`shift-owner ${owner ? '' : 'shift-owner-none'}`} aria-label="Shift owner">
      <div className="shift-owner-text" title={owner?.handoverNote ? `Handover note: ${owner.handoverNote}` : undefined}>
        <span className="shift-owner-caption">Shift owner</span>
        {owner ? (
          <span>
            <strong>{owner.name}</strong>
            {mine ? ' (you)' : ''} <span className="muted">since <Time ms={Date.parse(owner.since)} form="day" /></span>
          </span>
        ) : (
          <strong className="warn-text">Nobody: an operator takes the shift to act</strong>
        )}
        {owner?.handoverNote && <span className="shift-owner-note">Note: {owner.handoverNote}</span>}
        {offer && <OfferStatus offer={offer} myName={me?.name ?? null} />}
      </div>
      {me && !owner && (
        <button {...refused(takeRefusal, busy)} onClick={() => void invoke('team:take-shift', {})}>
          Take the shift
        </button>
      )}
      {me && owner && !mine && me.role === 'admin' && (
        <button aria-expanded={form === 'take'} onClick={() => toggle('take')} title={`Take the shift from ${owner.name}, who may have gone`}>
          Take over the shift
        </button>
      )}
      {mine && !offer && (
        <button aria-expanded={form === 'offer'} onClick={() => toggle('offer')}>
          Offer the shift
        </button>
      )}
      {offer && me && (offer.from === me.name || me.role === 'admin') && (
        <button disabled={busy} onClick={withdraw}>
          Withdraw the offer
        </button>
      )}
      {error && form === null && (
        <p role="alert" className="form-error shift-error">
          {error}
        </p>
      )}
      {form === 'offer' && <OfferForm onDone={() => setForm(null)} />}
      {form === 'take' && owner && <TakeOverForm from={owner.name} onDone={() => setForm(null)} />}
    </section>
  );
}

function OfferStatus({ offer, myName }: { offer: HandoverOffer; myName: string | null }) {
  const to = offer.to === null ? 'any operator' : offer.to === myName ? 'you' : offer.to;
  return (
    <span className="shift-offer-status" aria-label="Handover offer">
      {offer.from === myName ? 'You offered' : `${offer.from} offered`} the shift to {to} at <Time ms={offer.offeredAt} form="clock" />
    </span>
  );
}

/** The owner's offer: to whom (a name of the team, or anyone who may operate) and the note the next owner reads first. */
function OfferForm({ onDone }: { onDone: () => void }) {
  const me = useConsole(selectTeamMe);
  const present = useConsole(selectPresent);
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const { invoke, error, busy } = useInvoke();
  // Those here now who may take a shift; any other name of the team may be typed.
  const candidates = (present ?? []).filter((p) => (p.role === 'operator' || p.role === 'admin') && p.name !== me?.name);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const offered = await invoke('team:offer-handover', { ...(to.trim() ? { to: to.trim() } : {}), note });
    if (offered) onDone();
  };
  return (
    <form className="shift-form" aria-label="Offer the shift" onSubmit={(e) => void submit(e)}>
      <label>
        Next operator (leave empty for any operator)
        <input value={to} onChange={(e) => setTo(e.target.value)} list="team-shift-candidates" autoFocus placeholder="a name of the team" />
        <datalist id="team-shift-candidates">
          {candidates.map((p) => (
            <option key={p.name} value={p.name}>
              {p.role}
            </option>
          ))}
        </datalist>
      </label>
      <label>
        Handover note
        <textarea
          value={note}
          onChange={(e) => setNote(e.target.value)}
          rows={3}
          required
          placeholder="What the next owner must know: open issues, reviews due, anything held"
        />
      </label>
      <FormFooter error={error} submit="Offer the shift" disabled={busy || note.trim() === ''} onCancel={onDone} />
    </form>
  );
}

/** An admin taking a shift whose owner is away (a laptop shut, a person off sick): said plainly, noted in the audit log. */
function TakeOverForm({ from, onDone }: { from: string; onDone: () => void }) {
  const [note, setNote] = useState('');
  const { invoke, error, busy } = useInvoke();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const taken = await invoke('team:take-shift', note.trim() ? { note: note.trim() } : {});
    if (taken) onDone();
  };
  return (
    <form className="shift-form" aria-label="Take over the shift" onSubmit={(e) => void submit(e)}>
      <p className="muted">
        {from} owns the shift. Take it over only when they cannot hand it over; every action from now on is stamped with your name.
      </p>
      <label>
        Why (optional)
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} autoFocus placeholder={`e.g. ${from} is off the call`} />
      </label>
      <FormFooter error={error} submit={`Take over from ${from}`} disabled={busy} onCancel={onDone} />
    </form>
  );
}

/**
 * Under the top bar of the operator the shift is offered to (by name, or to any operator):
 * who offers it, their note, and the one button that takes it. "Not now" hides this offer in
 * this window only; a new offer shows again.
 */
export function HandoverPrompt() {
  const offer = useConsole(selectHandover);
  const me = useConsole(selectTeamMe);
  const acceptRefusal = useRefusal('team:accept-handover');
  const [hidden, setHidden] = useState<number | null>(null);
  const { invoke, error, busy } = useInvoke();
  if (!offer || !me || offer.from === me.name || hidden === offer.offeredAt) return null;
  const named = offer.to === me.name;
  if (!named && (offer.to !== null || acceptRefusal !== null)) return null;
  return (
    <section className="banner banner-handover" aria-label="Shift offered to you">
      <p>
        <strong>
          {offer.from} offers {named ? 'you' : 'any operator'} the shift
        </strong>{' '}
        <span className="muted">
          (<Time ms={offer.offeredAt} form="clock" />)
        </span>
      </p>
      <p className="handover-note">
        <span className="team-caption">Handover note</span> {offer.note}
      </p>
      <div className="form-buttons">
        <button className="primary" {...refused(acceptRefusal, busy)} onClick={() => void invoke('team:accept-handover', {})}>
          Accept the shift
        </button>
        <button onClick={() => setHidden(offer.offeredAt)}>Not now</button>
      </div>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
    </section>
  );
}

import { useState, type FormEvent } from 'react';
import { selectOperator } from '../../state/snapshot.js';
import { useConsole } from '../../state/store.js';
import { Time } from '../common/Time.js';
import { useInvoke } from '../../bridge/use-invoke.js';
import { selectTeamMode } from '../../state/team.js';
import { TeamShiftBadge } from '../team/TeamShift.js';
import './shift.css';
import { FormFooter } from '../common/FormFooter.js';

/**
 * The current shift owner on every screen; every action is stamped with this name. On one desk
 * the owner is set by name; in team mode the shift passes by handover between signed-in operators.
 */
export function ShiftOwnerBadge() {
  const team = useConsole(selectTeamMode);
  return team ? <TeamShiftBadge /> : <SingleDeskShiftOwner />;
}

function SingleDeskShiftOwner() {
  const owner = useConsole(selectOperator);
  const [editing, setEditing] = useState(false);
  return (
    <section className={`shift-owner ${owner ? '' : 'shift-owner-none'}`} aria-label="Shift owner">
      <div className="shift-owner-text" title={owner?.handoverNote ? `Handover note: ${owner.handoverNote}` : undefined}>
        <span className="shift-owner-caption">Shift owner</span>
        {owner ? (
          <span>
            <strong>{owner.name}</strong> <span className="muted">since <Time ms={Date.parse(owner.since)} form="day" /></span>
          </span>
        ) : (
          <strong className="warn-text">Nobody: set one to act</strong>
        )}
        {/* On screen, not only on hover: whoever takes over at night reads it without looking for it. */}
        {owner?.handoverNote && <span className="shift-owner-note">Note: {owner.handoverNote}</span>}
      </div>
      <button aria-expanded={editing} onClick={() => setEditing(!editing)}>
        {owner ? 'Hand over shift' : 'Set shift owner'}
      </button>
      {editing && <HandoverForm handingOver={owner !== null} onDone={() => setEditing(false)} />}
    </section>
  );
}

function HandoverForm({ handingOver, onDone }: { handingOver: boolean; onDone: () => void }) {
  const [name, setName] = useState('');
  const [note, setNote] = useState('');
  const { invoke, error, busy } = useInvoke();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const saved = await invoke('operator:set-shift-owner', { name, note: note.trim() ? note : undefined });
    if (saved) onDone();
  };
  return (
    <form className="shift-form" aria-label="Shift handover" onSubmit={(e) => void submit(e)}>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required autoFocus placeholder="Who owns the shift now" />
      </label>
      <label>
        Handover note
        <textarea
          value={note}
          onChange={(e) => setNote(e.target.value)}
          rows={3}
          placeholder={handingOver ? 'What the next owner must know: open issues, reviews due, anything held' : 'Optional'}
        />
      </label>
      <FormFooter error={error} submit="Save" disabled={busy} onCancel={onDone} />
    </form>
  );
}

import { useConsole } from '../../state/store.js';

/** Silences the alert chime; notifications and the strip still show every alert. */
export function MuteToggle() {
  const muted = useConsole((s) => s.muted);
  const setMuted = useConsole((s) => s.setMuted);
  return (
    <button className="mute-toggle" aria-label="Mute alert sound" aria-pressed={muted} onClick={() => setMuted(!muted)}>
      {muted ? 'Sound muted' : 'Sound on'}
    </button>
  );
}

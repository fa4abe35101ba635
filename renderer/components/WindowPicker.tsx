import { WINDOW_MINUTES, type WindowMinutes } from '../../shared/kpi.js';

export function WindowPicker({ value, onChange }: { value: WindowMinutes; onChange(w: WindowMinutes): void }) {
  return (
    <div className="window-picker" role="radiogroup" aria-label="Window">
      {WINDOW_MINUTES.map((w) => (
        <button key={w} role="radio" aria-checked={w === value} aria-label={`${w} minute window`} onClick={() => onChange(w)}>
          {w}m
        </button>
      ))}
    </div>
  );
}

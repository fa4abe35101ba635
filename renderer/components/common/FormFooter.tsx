import type { ReactNode } from 'react';

/** The end of a small form: the core's refusal in its own words, then the submit and a way out. */
export function FormFooter({ error, submit, disabled, onCancel }: { error: string | null; submit: ReactNode; disabled: boolean; onCancel: () => void }) {
  return (
    <>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <div className="form-buttons">
        <button type="submit" disabled={disabled}>
          {submit}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}

/** The names the console stamps on records when no person is behind them, as the audit log and the screen show them. */

/** What the console records by itself: evaluations, countdowns, problems with its own files. */
export const CONSOLE_OPERATOR = 'console';

/** Who set T0 when nobody did. */
export const FIRST_CALL_ACTOR = 'first live call';

export const NO_SHIFT_OWNER = 'no shift owner set';

/** Someone at the console acted while nobody owned the shift (a countdown cancel must never be refused for that). */
export const UNNAMED_OPERATOR = `unnamed operator (${NO_SHIFT_OWNER})`;

/** The console acted on an alert's countdown, on behalf of the shift owner of the moment. */
export function autoActOperator(owner: string | null): string {
  return `auto-act (${owner ?? NO_SHIFT_OWNER})`;
}

/** Why an action that needs a name was refused. */
export const SHIFT_OWNER_REQUIRED =
  'Nobody owns the shift yet: set the shift owner first, so the action is stamped with a name.';

import { describe, expect, it } from 'vitest';
import { ACTION_STATUS_TEXT, ACTION_TITLES, actionLabel, listOfIntents, titleOfAction } from '../../shared/action-text.js';
import { autoActOperator, UNNAMED_OPERATOR } from '../../shared/operator-text.js';
import { decisionTitle, DECISION_TEXT, dueIn, reviewName, urgency } from '../../shared/review-text.js';

describe('texts the screen and the audit log share', () => {
  it('names a review with its offset on the launch clock', () => {
    expect(reviewName({ label: 'First-hour review', offsetHours: 1 })).toBe('First-hour review (T0+1h)');
    expect(reviewName({ label: '4-hourly review', offsetHours: 8 })).toBe('4-hourly review (T0+8h)');
  });

  it('says a decision as a sentence part in the log and as a title on screen', () => {
    expect(DECISION_TEXT.hold).toBe('hold the ramp');
    expect(decisionTitle('hold')).toBe('Hold the ramp');
    expect(decisionTitle('continue')).toBe('Continue the ramp');
    expect(decisionTitle('rollback')).toBe('Roll back');
  });

  it('calls a review overdue past its grace period, with the same word as its status', () => {
    const due = 1_000_000;
    expect(urgency(due, due - 1)).toBe('calm');
    expect(urgency(due, due + 60_000)).toBe('due');
    expect(urgency(due, due + 16 * 60_000)).toBe('overdue');
    expect(dueIn(due - 12 * 60_000, due)).toBe('due in 12 min');
  });

  it('names an action the way its button does, with the intents in words', () => {
    expect(actionLabel({ action: 'stop_all' })).toBe(ACTION_TITLES.stop_all);
    expect(actionLabel({ action: 'route_fallback', intents: ['order_status'] })).toBe('Route order status to fallback');
    expect(actionLabel({ action: 'route_fallback', intents: ['a', 'b', 'order_status'] })).toBe('Route a, b and order status to fallback');
    expect(actionLabel({ action: 'route_fallback' })).toBe('Route all intents to fallback');
    expect(actionLabel({ action: 'set_share', share: 25 })).toBe('Set agent share to 25%');
    expect(actionLabel({ action: 'set_share' })).toBe('Set agent share');
    expect(listOfIntents([])).toBe('');
    expect(titleOfAction('pause_ramp')).toBe('Pause ramp');
    expect(titleOfAction('retired_action')).toBe('retired_action');
    expect(ACTION_STATUS_TEXT.unverified).toBe('NOT VERIFIED');
  });

  it('has one name for an operator nobody named', () => {
    expect(UNNAMED_OPERATOR).toBe('unnamed operator (no shift owner set)');
    expect(autoActOperator('Dana')).toBe('auto-act (Dana)');
    expect(autoActOperator(null)).toBe('auto-act (no shift owner set)');
  });
});

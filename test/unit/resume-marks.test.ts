import { describe, expect, it } from 'vitest';
import { MARK_EVERY_MS, ResumeMarks } from '../../electron/core/stream/resume-marks.js';

const MIN = 60_000;

describe('stream resume marks', () => {
  it('a console taking over rebuilds the last hour and handles only what is new', () => {
    const marks = new ResumeMarks();
    // Two hours of stream, 10 events a second, a mark asked for every second of wall time.
    let now = 0;
    for (let s = 0; s <= 2 * 3600; s++) {
      now += 1000;
      marks.take(s * 10 + 1, s * 1000, now);
    }
    const list = marks.list();
    expect(list.length).toBeLessThanOrEqual(Math.ceil((65 * MIN) / MARK_EVERY_MS) + 1);
    const plan = marks.plan()!;
    const newest = list.at(-1)!;
    expect(plan.rebuildUpTo).toBe(newest.seq);
    const from = list.find((m) => m.seq === plan.since + 1)!;
    expect(newest.streamTime - from.streamTime).toBeLessThanOrEqual(60 * MIN);
    expect(newest.streamTime - from.streamTime).toBeGreaterThan(59 * MIN);
  });

  it('starts from now with no marks, and forgets the marks of an earlier run of the stream', () => {
    const marks = new ResumeMarks();
    expect(marks.plan()).toBeNull();
    expect(marks.take(500, 1_000_000, 0)).toBe(true);
    expect(marks.take(501, 1_000_100, 1000)).toBe(false);
    expect(marks.take(3, 5_000, 10_000)).toBe(true);
    expect(marks.list()).toEqual([{ seq: 3, streamTime: 5_000 }]);
  });

  it('takes no mark before the first event', () => {
    const marks = new ResumeMarks();
    expect(marks.take(0, null, 0)).toBe(false);
    expect(marks.take(10, null, 0)).toBe(false);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CadenceStore } from '../../electron/core/cadence/cadence-store.js';
import { fileStorage } from '../../electron/core/storage/file-storage.js';
import { captureEvidence } from '../../electron/core/cadence/evidence.js';
import { notificationsToSend } from '../../electron/core/cadence/notifications.js';
import { buildSchedule, nextReview } from '../../electron/core/cadence/schedule.js';
import { formatLocal, formatUtc } from '../../shared/time-format.js';

const T0 = Date.UTC(2025, 2, 4, 23, 30);
const HOUR = 3_600_000;
const savedTz = process.env.TZ;

afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

/** Everything the cadence computes or stores for one fixed scenario, under the current process zone. */
async function computeAll(): Promise<{ computed: string; stored: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cadence-tz-'));
  try {
    const now = T0 + 5 * HOUR;
    const store = await CadenceStore.open(fileStorage(dir).records('cadence'), () => now);
    const schedule = buildSchedule(T0);
    await store.openReview('h4', 'ana', captureEvidence(schedule[1]!, null, [], now));
    await store.setShiftOwner('Ben', 'night shift', 'ana');
    const computed = JSON.stringify({
      schedule,
      next: nextReview(schedule, store.listReviews(), now),
      notifications: notificationsToSend(schedule, store.listReviews(), new Set(), now),
      utc: formatUtc(now),
      paris: formatLocal(now, 'Europe/Paris'),
    });
    await store.close();
    return { computed, stored: readFileSync(join(dir, 'cadence.jsonl'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('time zones', () => {
  it('a change of the process time zone changes nothing computed or stored', async () => {
    process.env.TZ = 'UTC';
    const utcHour = new Date(T0).getHours();
    const inUtc = await computeAll();
    process.env.TZ = 'Pacific/Kiritimati';
    expect(new Date(T0).getHours()).not.toBe(utcHour);
    expect(await computeAll()).toEqual(inUtc);
    process.env.TZ = 'America/Los_Angeles';
    expect(await computeAll()).toEqual(inUtc);
  });

  it('formats local time in the zone given, with UTC for hover text', () => {
    expect(formatLocal(T0, 'Europe/Paris')).toBe('2025-03-05 00:30 GMT+1');
    expect(formatLocal(T0, 'America/New_York')).toBe('2025-03-04 18:30 EST');
    expect(formatLocal(T0, 'UTC')).toBe('2025-03-04 23:30 UTC');
    expect(formatUtc(T0)).toBe('2025-03-04 23:30:00 UTC');
    expect(() => formatLocal(T0, 'Mars/Olympus')).toThrowError(/unknown time zone "Mars\/Olympus"/);
  });
});

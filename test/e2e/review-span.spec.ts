import { expect, test } from '@playwright/test';
import { startHarness, type Harness } from './harness.js';

/**
 * A 4-hourly review over its own 4 hours, in Chromium against the simulator at 300x (an hour of
 * launch in 12 s): a tool outage played in hour 2 of the span is in the review's charts and
 * figures, though the last hour before the review was clean.
 */

let h: Harness;

test.beforeEach(async () => {
  h = await startHarness({ rate: 1, speed: 300, seed: 5 });
});
test.afterEach(async () => {
  await h.close();
});

async function setFault(on: boolean): Promise<void> {
  const res = await fetch(`${h.sim.url}/sim/faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.sim.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'tool-outage', on }),
  });
  expect(res.status).toBe(200);
}

test('a 4-hourly review freezes its 4 hours, and a spike in its hour 2 shows in the review charts', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(h.host.url);
  const badge = page.getByRole('region', { name: 'Shift owner' });
  await badge.getByRole('button', { name: 'Set shift owner' }).click();
  await page.getByLabel('Name').fill('Dana');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(badge).toContainText('Dana', { timeout: 30_000 });

  // A tool outage of about 50 minutes of launch time, inside the h4 review's span (T0+1h to T0+4h)
  // once the first hour has passed; the unit tests pin the spike to hour 2 on an injected clock.
  const h1 = page.getByRole('row', { name: /^Review First-hour review/ });
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Reviews', exact: true }).click();
  await expect(h1).toContainText(/due|overdue/i, { timeout: 30_000 });
  await setFault(true);
  await page.waitForTimeout(10_000);
  await setFault(false);

  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Reviews', exact: true }).click();
  const row = page.getByRole('row', { name: /^Review 4-hourly review \(T0\+4h\)/ });
  await expect(row).toContainText(/due|overdue/i, { timeout: 90_000 });
  await row.getByRole('button', { name: 'Open review' }).click();
  await row.getByRole('button', { name: 'Continue' }).click();
  const form = page.getByRole('region', { name: /^Review form: 4-hourly review/ });
  const evidence = form.getByRole('region', { name: 'Evidence' });
  await expect(evidence).toContainText(/[1-9]\d* agent calls over the review's span, \d+ h( \d+ min)? of stream time, charted (minute by minute|in \d+-minute points)/);
  const charts = evidence.getByRole('group', { name: 'Figures over the review span' });
  await expect(charts.getByRole('figure', { name: 'Task completion over the review span' })).toBeVisible();
  await expect(charts.locator('.recharts-line-curve')).toHaveCount(await charts.getByRole('figure').count());
  await form.screenshot({ path: 'docs/review-span.png' });
});

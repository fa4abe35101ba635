import { expect, test, type Page } from '@playwright/test';
import { startHarness, type Harness } from './harness.js';

/**
 * A latency spike from the first call, on a simulator running 300 times faster than the wall
 * clock: the 15-minute pending period of the P95 rule passes in about three seconds. The alert
 * comes up in the strip with its recommended action, which opens the emergency confirm.
 */

const RULE = 'P95 turn latency above 1.2 s';
const ACTION = 'Pause the ramp and consider fallback';

let h: Harness;

test.beforeEach(async ({ page }) => {
  h = await startHarness({ rate: 0.5, speed: 300, scenarios: ['latency-spike'] });
  // Counts the tones the page synthesises: the chime is three oscillators.
  await page.addInitScript(() => {
    const w = window as unknown as { alertTones: number };
    w.alertTones = 0;
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.alertTones += 1;
      return create.call(this);
    };
  });
});
test.afterEach(async () => {
  await h.close();
});

const tones = (page: Page): Promise<number> => page.evaluate(() => (window as unknown as { alertTones: number }).alertTones);

async function setShiftOwner(page: Page, name: string): Promise<void> {
  const owner = page.getByRole('region', { name: 'Shift owner' });
  await owner.getByRole('button', { name: 'Set shift owner' }).click();
  await owner.getByRole('textbox', { name: 'Name' }).fill(name);
  await owner.getByRole('button', { name: 'Save' }).click();
  await expect(owner).toContainText(name);
}

test('a latency spike fires the latency alert on screen with its recommended action', async ({ page }) => {
  await page.goto(h.host.url);
  const strip = page.getByRole('region', { name: 'Firing alerts' });
  const line = strip.getByRole('listitem', { name: `Critical alert: ${RULE}` });
  await expect(line).toContainText('Firing', { timeout: 20_000 });
  await expect(line).toContainText(/P95 turn latency \d\.\d\d s > 1\.20 s for \d+ min/);
  // The chime is three tones; low traffic may fire another critical rule later, which chimes too.
  await expect.poll(() => tones(page)).toBeGreaterThanOrEqual(3);
  expect((await tones(page)) % 3).toBe(0);

  await line.getByRole('button', { name: `Acknowledge ${RULE}` }).click();
  await expect(line.getByRole('alert')).toContainText(/shift owner/i);
  await setShiftOwner(page, 'Dana');

  await line.getByRole('button', { name: ACTION }).click();
  const dialog = page.getByRole('dialog', { name: /^Confirm Pause the ramp/ });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(`alert: ${RULE}`);
  await expect(dialog.getByRole('textbox', { name: /Reason/ })).toHaveValue(/P95 turn latency .* > 1\.20 s for \d+ min/);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);

  await line.getByRole('button', { name: `Acknowledge ${RULE}` }).click();
  await expect(line).toContainText('Acknowledged by Dana');

  const mute = strip.getByRole('button', { name: 'Mute alert sound' });
  await expect(mute).toHaveAttribute('aria-pressed', 'false');
  await mute.click();
  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  const heard = await tones(page);
  const minutes = async () => Number(/for (\d+) min/.exec((await line.textContent()) ?? '')?.[1] ?? 0);
  const now = await minutes();
  await expect.poll(minutes).toBeGreaterThanOrEqual(now + 3);
  expect(await tones(page)).toBe(heard);
});

test('the Alerts tab lists every rule, the history, and the chart marks the firing', async ({ page }) => {
  await page.goto(h.host.url);
  await expect(page.getByRole('region', { name: 'Firing alerts' })).toContainText('Firing', { timeout: 20_000 });
  const marks = page.getByRole('list', { name: 'Alert marks on the chart' });
  await expect(marks).toContainText(`fired: ${RULE}`, { timeout: 20_000 });

  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Alerts', exact: true }).click();
  const rules = page.getByRole('region', { name: 'Alert rules' });
  const latency = rules.getByRole('row', { name: `Rule ${RULE}` });
  await expect(latency).toContainText('Firing');
  await expect(latency).toContainText('trips > 1.20 s, clears ≤ 1.10 s');
  await expect(rules.getByRole('row', { name: 'Rule PII event' })).toContainText('OK');
  // The harness configures no baselines: the baseline rules say so rather than pass.
  await expect(rules.getByRole('row', { name: /^Rule Tool-call failures/ })).toContainText('No data: no baseline');
  await expect(page.getByRole('region', { name: 'Alert history' }).getByRole('row', { name: new RegExp(`${RULE}.*Fired`) })).toBeVisible();

  // More than 15 minutes of stream time have passed once the latency alert fired.
  await setShiftOwner(page, 'Dana');
  const baselines = page.getByRole('region', { name: 'Baselines' });
  await expect(baselines).toContainText('No baselines');
  await baselines.getByRole('checkbox', { name: 'P95 turn latency' }).check();
  await baselines.getByRole('radio', { name: 'last 15 minutes' }).check();
  await baselines.getByRole('button', { name: 'Capture 3 KPIs from the last 15 minutes' }).click();
  // The latency alert is up: its figures would become the normal, so the console asks first.
  const warning = baselines.getByRole('alert');
  await expect(warning).toContainText(`Critical alerts were up during the last 15 min (${RULE}`);
  await warning.getByRole('button', { name: 'Capture anyway' }).click();
  await expect(baselines.getByRole('status', { name: 'Captured baseline' })).toContainText(/Captured 3 baselines from the last 15 minutes/);
  await expect(baselines).toContainText(/P95 turn latency\s*\d\.\d\d s\s*captured by Dana over 15 min/);
  await expect(rules.getByRole('row', { name: /^Rule Tool-call failures/ })).not.toContainText('no baseline');

  const history = baselines.getByRole('table', { name: 'Baseline history' });
  await expect(history).toContainText(/Dana\s*captured over 15 min: .*Tool-call failure rate .*despite: Critical alerts/);
  await history.getByRole('button', { name: 'Revert baseline capture 1' }).click();
  await expect(baselines.getByRole('status', { name: 'Reverted baseline' })).toContainText('Capture #1 reverted');
  await expect(baselines).toContainText('No baselines');
  await expect(rules.getByRole('row', { name: /^Rule Tool-call failures/ })).toContainText('No data: no baseline');
});

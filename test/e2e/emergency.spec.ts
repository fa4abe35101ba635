import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startHarness, type Harness } from './harness.js';

/**
 * The emergency controls in Chromium against the real simulator and web host: the shortcut and
 * the buttons open one confirm, the action reaches the provider once, "Verified" appears only
 * after the read-back, and the audit view shows the entry. Runs in order: the shift owner set
 * in the first test stamps the actions of the others.
 */

let h: Harness;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  h = await startHarness({ rate: 4, speed: 20 });
});
test.afterAll(async () => {
  await h.close();
});

const controls = (page: Page) => page.getByRole('region', { name: 'Emergency controls' });

test('an action needs a shift owner: the confirm says so, and the badge sets one', async ({ page }) => {
  await page.goto(h.host.url);
  await expect(page.getByRole('status', { name: 'Stream connection' })).toContainText('Live');
  await expect(controls(page).getByRole('group', { name: 'Provider routing state' })).toContainText('LIVE');

  await controls(page).getByRole('button', { name: 'Pause ramp' }).click();
  const dialog = page.getByRole('dialog', { name: /^Confirm / });
  await expect(dialog).toContainText('Nobody owns the shift');
  await expect(dialog.getByRole('button', { name: 'Confirm' })).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  const badge = page.getByRole('region', { name: 'Shift owner' });
  await badge.getByRole('button', { name: 'Set shift owner' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Dana');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(badge).toContainText('Dana');
});

test('routes one intent to fallback from the button, once however fast Confirm is clicked', async ({ page }) => {
  await page.goto(h.host.url);
  const panel = controls(page);
  await panel.getByRole('checkbox', { name: 'order status' }).check();
  await panel.getByRole('button', { name: 'Route to fallback' }).click();

  const dialog = page.getByRole('dialog', { name: 'Confirm Route order status to fallback' });
  await expect(dialog).toContainText('New order status calls go to the fallback flow; other intents are unchanged');
  await expect(dialog).toContainText(/Calls in progress.*(finish(es)? with the agent|unknown|No calls)/);
  await expect(dialog).toContainText('stamped with Dana');
  const applied = h.sim.appliedActions;
  await dialog.getByRole('button', { name: 'Confirm' }).dblclick();
  await expect(dialog.getByText(/^Verified in \d+ ms$/)).toBeVisible();
  expect(h.sim.appliedActions).toBe(applied + 1);
  expect(h.sim.routing().intents).toMatchObject({ order_status: 'fallback', billing_question: 'agent' });

  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(panel.getByRole('list', { name: 'Routes by intent' })).toContainText('order status→ fallback');
  await expect(panel.getByRole('group', { name: 'Recovery watch' })).toContainText(/fallback rate|Waiting for the stream/);
});

test('emergency stop while the stream is down: shortcut, confirm, Verified, and the entry in the audit view', async ({ page }) => {
  await page.goto(h.host.url);
  await expect(page.getByRole('status', { name: 'Stream connection' })).toContainText('Live');
  h.sim.pauseStream();
  await expect(page.getByRole('alert', { name: 'Stale data warning' })).toBeVisible();

  await page.keyboard.press('Control+Shift+E');
  const dialog = page.getByRole('dialog', { name: 'Confirm Stop all agent traffic' });
  await expect(dialog).toContainText('Opened from emergency stop shortcut');
  await expect(dialog).toContainText('New calls go to human agents');
  await expect(dialog).toContainText('The metric stream is stale');
  const reason = dialog.getByRole('textbox', { name: /Reason/ });
  await expect(reason).toBeFocused();
  await reason.fill('P95 over target, stream down');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog.getByText(/^Verified in \d+ ms$/)).toBeVisible();
  expect(h.sim.routing().mode).toBe('stopped');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  const panel = controls(page);
  await expect(panel.getByLabel('Routing mode')).toHaveText('STOPPED');
  await expect(panel.getByRole('status', { name: 'Action outcome' })).toContainText(/Verified in \d+ ms at \d\d:\d\d:\d\d/);

  await page.getByRole('button', { name: 'Audit log', exact: true }).click();
  await expect(page.getByRole('status', { name: 'Audit chain check' })).toContainText('Chain verified');
  const row = page
    .getByRole('table', { name: 'Audit entries' })
    .getByRole('row')
    .filter({ hasText: 'Stop all (reason: P95 over target, stream down): verified' });
  await expect(row).toContainText('Dana');
  await expect(row).toContainText('action');
  const details = row.getByRole('button', { name: /^Details of entry/ });
  await details.click();
  await expect(page.getByLabel(/^Data of entry/)).toContainText('"turnLatencyP95"');
  await details.click();

  await page.getByLabel('Type').selectOption('action');
  await expect(page.getByRole('table', { name: 'Audit entries' }).getByRole('row')).toHaveCount(3);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^audit-voice-agent-launch-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await file.path(), 'utf8');
  expect(csv).toContain('Stop all (reason: P95 over target');
  expect(csv).not.toContain(h.sim.token);
  h.sim.resumeStream();
});

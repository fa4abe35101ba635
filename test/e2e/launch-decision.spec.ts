import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEntry } from '../../shared/audit.js';
import { startHarness, type Harness } from './harness.js';

/**
 * The Launch decision screen and the rollout panel in Chromium against the real simulator at a
 * 5% canary: the ladder read from the provider, the criteria with their bounds, a gate filled in
 * and decided, and a rollback rehearsal run on live routing, timed from trigger to restore.
 */

let h: Harness;

test.beforeEach(async () => {
  h = await startHarness({ rate: 3, speed: 60, seed: 7, agentShare: 5 });
});
test.afterEach(async () => {
  await h.close();
});

function auditEntries(): AuditEntry[] {
  return readFileSync(join(h.dataDir, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as AuditEntry);
}

async function openTab(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: label, exact: true }).click();
}

async function start(page: Page): Promise<void> {
  await page.goto(h.host.url);
  await page.getByRole('status', { name: 'Stream connection' }).getByText('Live').waitFor();
  await page.getByRole('button', { name: 'Set shift owner' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Dana Reyes');
  await page.getByRole('button', { name: 'Save' }).click();
}

test('the rollout panel shows the canary read from the provider, each criterion with its reason, and holds the promotion', async ({ page }) => {
  await start(page);
  const panel = page.getByRole('region', { name: 'Staged rollout' });
  await expect(panel.getByLabel('Current stage')).toContainText('Canary (5%)');
  await expect(panel.getByLabel('Next stage')).toContainText('Limited (25%)');
  await expect(panel.getByLabel('Hold remaining')).toContainText('minimum 24 h, at most 72 h');
  const criteria = panel.getByRole('table', { name: 'Promotion criteria' });
  await expect(criteria.getByRole('row', { name: 'Minimum hold of 24 h' })).toContainText(/Held .* of 24 h/);
  await expect(criteria.getByRole('row', { name: /Task completion at or above 85/ })).toContainText(/95% lower bound/, { timeout: 20_000 });
  await expect(criteria.getByRole('row', { name: /A call sample from the stage reviewed/ })).toContainText('No sample drawn');
  await expect(panel.getByRole('button', { name: 'Promote to Limited (25%)' })).toBeDisabled();

  const check = panel.getByRole('form', { name: 'Support volume normal' });
  await check.getByLabel('Checked by').fill('Priya Shah');
  await check.getByLabel('Note').fill('tickets flat at 12 an hour');
  await check.getByRole('button', { name: 'Tick' }).click();
  await expect(panel.getByRole('list', { name: 'Human checks' })).toContainText('Priya Shah');
  await expect(criteria.getByRole('row', { name: /Support volume normal/ })).toContainText('Ticked by Priya Shah: tickets flat at 12 an hour');

  await panel.getByRole('button', { name: 'Pause the ramp' }).click();
  const dialog = page.getByRole('dialog', { name: /^Confirm / });
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(panel.getByLabel('Held')).toContainText('not counting: Ramp paused', { timeout: 15_000 });
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  const held = await panel.getByLabel('Held').locator('strong').textContent();
  await page.waitForTimeout(3000);
  await expect(panel.getByLabel('Held').locator('strong')).toHaveText(held ?? '');

  await panel.getByRole('button', { name: 'Show stage records (1)' }).click();
  await expect(panel.getByRole('table', { name: 'Stage records' }).getByRole('row', { name: /Canary \(5%\)/ })).toContainText('first read on the provider at 5%');
});

test('the Launch decision screen: one row per gate, evidence with its source, go blocked, no-go frozen into the audit log, a rehearsal timed end to end', async ({ page }) => {
  await start(page);
  await openTab(page, 'Launch decision');
  const table = page.getByRole('table', { name: 'Launch gates' });
  for (const gate of ['Functional', 'Performance', 'Scale', 'Security', 'Monitoring', 'Rollback']) {
    await expect(table.getByRole('row', { name: `${gate} gate` })).toBeVisible();
  }
  const monitoring = table.getByRole('row', { name: 'Monitoring gate' });
  await expect(monitoring.getByRole('list', { name: 'Monitoring figures from the console' })).toContainText('Shift owner: Dana Reyes from shift owner (top bar)');
  await expect(monitoring.getByLabel('On-call assigned')).toBeChecked();

  const functional = table.getByRole('row', { name: 'Functional gate' });
  await functional.getByLabel("Owner's name").fill('Ana Lima');
  await functional.getByRole('button', { name: 'Set' }).click();
  await expect(functional).toContainText('Ana Lima');
  await functional.getByLabel('Evidence link').fill('https://wiki.example/scenario-run-42');
  await functional.getByRole('button', { name: 'Add link' }).click();
  await functional.getByLabel('Attach a file to the Functional gate').setInputFiles({ name: 'scenarios.csv', mimeType: 'text/csv', buffer: Buffer.from('scenario,pass\nbooking,1\n') });
  await expect(functional).toContainText('scenarios.csv');
  await functional.getByRole('button', { name: 'Pass', exact: true }).click();
  await expect(functional.locator('.gate-status')).toHaveText('Pass');

  const decision = page.getByRole('region', { name: 'Decision' });
  await expect(decision).toContainText('"Go" is blocked by 5 gates');
  await expect(decision.getByRole('button', { name: 'Decide GO' })).toBeDisabled();
  await decision.getByLabel('Decision note').fill('scale and security not signed off');
  await decision.getByRole('button', { name: 'Decide NO-GO' }).click();
  await expect(decision.getByRole('status')).toContainText('NO-GO decided by Dana Reyes');
  const frozen = auditEntries().find((e) => e.type === 'decision')!;
  expect(frozen.summary).toMatch(/^Launch decision: NO-GO: scale and security not signed off \(Functional pass/);
  const files = auditEntries().filter((e) => e.type === 'gate' && /scenarios\.csv \(sha256 [0-9a-f]{64}\)/.test(e.summary));
  expect(files).toHaveLength(1);

  const rehearsal = page.getByRole('region', { name: 'Rollback rehearsal' });
  await rehearsal.getByRole('button', { name: 'Rehearse rollback' }).click();
  await expect(rehearsal.getByRole('alertdialog', { name: 'Confirm the rehearsal' })).toContainText(/Route to fallback will act on the live routing provider \(http:\/\/127\.0\.0\.1:\d+\): this is live routing/);
  await rehearsal.getByRole('button', { name: 'Start the rehearsal on live routing' }).click();
  await rehearsal.getByRole('button', { name: 'Trigger Route to fallback' }).click();
  const steps = rehearsal.getByRole('list', { name: 'Rehearsal steps' });
  await expect(steps).toContainText('Verified');
  await expect(steps).toContainText('The stream showed a new call on the fallback route', { timeout: 20_000 });
  await rehearsal.getByRole('button', { name: 'Restore' }).click();
  await expect(steps).toContainText('Restore verified');
  await rehearsal.getByRole('button', { name: 'Finish' }).click();
  await expect(rehearsal.getByRole('table', { name: 'Rehearsals' })).toContainText(/Passed: restored in \d+ s/);
  const rollback = table.getByRole('row', { name: 'Rollback gate' });
  await expect(rollback.getByLabel('Rollback rehearsed')).toBeChecked();
  await expect(rollback.getByLabel('Fallback routing tested')).toBeChecked();
});

import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEntry } from '../../shared/audit.js';
import { startHarness, type Harness } from './harness.js';

/**
 * The first 48 hours in Chromium against the real simulator at 300x (an hour of launch in 12 s):
 * T0 starts with the first live call, the first-hour review falls due, is opened on live
 * evidence, completed with a decision, and stays so in the timeline, the audit log and a reload.
 */

let h: Harness;

test.beforeEach(async () => {
  h = await startHarness({ rate: 0.5, speed: 300, seed: 5 });
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

async function setShiftOwner(page: Page, button: string, name: string, note: string): Promise<void> {
  const badge = page.getByRole('region', { name: 'Shift owner' });
  await badge.getByRole('button', { name: button }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Handover note').fill(note);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(badge).toContainText(name);
}

test('the first-hour review falls due, is opened on live evidence, completed with a decision, and survives a reload', async ({ page }) => {
  await page.goto(h.host.url);

  const badge = page.getByRole('region', { name: 'Shift owner' });
  await expect(badge).toContainText('Nobody');
  await setShiftOwner(page, 'Set shift owner', 'Dana', 'First shift of the launch');
  await expect(badge.getByRole('button', { name: 'Hand over shift' })).toBeVisible();

  // T0 comes from the first live call; the countdown runs on the launch clock until the review falls due.
  const countdown = page.getByRole('region', { name: 'Next review' });
  await expect(countdown).toContainText(/First-hour review \(T0\+1h\) in \d+ min/);
  await expect(countdown).toContainText(/First-hour review \(T0\+1h\) (due now|overdue by \d+ min)/, { timeout: 30_000 });
  await expect(countdown).toHaveAttribute('data-urgency', /^(due|overdue)$/);
  const notice = page.getByRole('alert').filter({ hasText: /First-hour review \(T0\+1h\) is (due|overdue)/ });
  await expect(notice.first()).toBeVisible();

  await countdown.getByRole('button').click();
  const form = page.getByRole('region', { name: 'Review form: First-hour review' });
  await form.getByRole('button', { name: 'Open review' }).click();
  await expect(notice).toHaveCount(0);

  const evidence = form.getByRole('region', { name: 'Evidence' });
  await expect(evidence).toContainText(/Evidence frozen at .* by Dana/);
  await expect(evidence).toContainText(/[1-9]\d* agent calls over the review's span, \d+ (h|min)/);
  await expect(evidence.getByRole('table', { name: 'Top failed intents' })).toBeVisible();
  const latency = form.getByRole('listitem', { name: 'Check Latency spikes' });
  await expect(latency.getByRole('group', { name: 'P95 turn latency' })).toContainText(/\d+(\.\d+)? (ms|s)/);
  await expect(latency.getByRole('group', { name: 'P95 turn latency' })).toContainText('target at most 1.2 s');

  const complete = form.getByRole('button', { name: 'Complete review' });
  await expect(complete).toBeDisabled();
  for (const check of ['Failed calls', 'Connection errors', 'Latency spikes', 'Obvious escalation failures']) {
    const item = form.getByRole('listitem', { name: `Check ${check}` });
    await item.getByRole('radio', { name: check === 'Latency spikes' ? 'Issue' : 'OK' }).check();
  }
  await form.getByRole('textbox', { name: 'Note for Latency spikes' }).fill('P95 close to target on cancel_service');
  await form.getByRole('radio', { name: 'Continue the ramp' }).check();
  await expect(complete).toBeEnabled();
  await complete.click();

  await expect(form.getByLabel('Decision')).toContainText('Decision: Continue the ramp · completed by Dana');
  await expect(form.getByRole('radio')).toHaveCount(0);
  await expect(latency).toContainText('P95 close to target on cancel_service');
  const row = page.getByRole('row', { name: 'Review First-hour review' });
  await expect(row).toContainText('Done');
  await expect(row).toContainText('Continue the ramp by Dana');
  await expect(countdown).toContainText('4-hourly review (T0+4h)');

  const issues = page.getByRole('region', { name: 'Known issues' });
  await issues.getByLabel('Issue title').fill('cancel_service latency creeping up');
  await issues.getByLabel('Issue intent').selectOption('cancel_service');
  await issues.getByRole('button', { name: 'Add known issue' }).click();
  await expect(issues.getByRole('row', { name: 'Known issue KI-1' })).toContainText('cancel_service latency creeping up');

  await openTab(page, 'Audit log');
  const entries = page.getByRole('table', { name: 'Audit entries' });
  await expect(entries).toContainText('First-hour review (T0+1h) completed: continue the ramp (3 checks OK, 1 with an issue)');
  await expect(entries).toContainText('Shift owner set to Dana; handover note: First shift of the launch');
  const completed = auditEntries().find((e) => e.type === 'review' && e.summary.includes('completed'));
  expect(completed).toMatchObject({ operator: 'Dana', data: { reviewId: 'h1', decision: 'continue' } });

  await page.reload();
  await expect(badge).toContainText('Dana');
  await openTab(page, 'Reviews');
  await expect(row).toContainText('Continue the ramp by Dana');
  await row.getByRole('button', { name: 'View', exact: true }).click();
  await expect(form.getByLabel('Decision')).toContainText('Decision: Continue the ramp · completed by Dana');
  await expect(form.getByRole('region', { name: 'Evidence' })).toContainText(/Evidence frozen at .* by Dana/);
  await expect(latency).toContainText('Issue');
  await expect(issues.getByRole('row', { name: 'Known issue KI-1' })).toBeVisible();
});

test('the shift is handed over with a note, and the new owner sets T0 by hand, which the schedule follows', async ({ page }) => {
  await page.goto(h.host.url);
  await setShiftOwner(page, 'Set shift owner', 'Dana', 'First shift');
  await setShiftOwner(page, 'Hand over shift', 'Lee', 'Refunds look shaky; h4 review is yours');
  const owner = page.getByRole('region', { name: 'Shift owner' });
  await expect(owner).toContainText('Note: Refunds look shaky; h4 review is yours');
  await expect(owner.locator('[title]').first()).toHaveAttribute('title', 'Handover note: Refunds look shaky; h4 review is yours');
  await openTab(page, 'Reviews');
  const clock = page.getByRole('region', { name: 'Launch clock' });
  await expect(clock).toContainText('from the first live call');
  const launchNow = Date.parse((await clock.getByLabel('Launch clock now').getAttribute('datetime')) ?? '');
  // Whole minutes, as the input takes them, three hours back on the launch clock.
  const t0 = Math.floor((launchNow - 3 * 3_600_000) / 60_000) * 60_000;
  const local = await page.evaluate((ms) => {
    const d = new Date(ms);
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }, t0);

  await clock.getByRole('button', { name: 'Change T0' }).click();
  await clock.getByLabel('T0 in your local time').fill(local);
  await clock.getByRole('button', { name: 'Save T0' }).click();
  await expect(clock).toContainText('set by Lee');
  await expect(clock.getByLabel('T0', { exact: true })).toHaveAttribute('datetime', new Date(t0).toISOString());
  const endOfDay2 = page.getByRole('row', { name: 'Review End of day 2' });
  await expect(endOfDay2.locator('time')).toHaveAttribute('datetime', new Date(t0 + 48 * 3_600_000).toISOString());
  const audit = auditEntries();
  expect(audit.filter((e) => e.type === 'shift').map((e) => [e.operator, e.summary])).toEqual([
    ['Dana', 'Shift owner set to Dana; handover note: First shift'],
    ['Dana', 'Shift handed from Dana to Lee; handover note: Refunds look shaky; h4 review is yours'],
  ]);
  expect(audit.find((e) => e.type === 'launch' && e.operator === 'Lee')?.data).toEqual({ t0: new Date(t0).toISOString(), source: 'operator' });
});

import { expect, test, type Page } from '@playwright/test';
import { startHarness, type Harness } from './harness.js';
import { TeamStandIn } from './team-stand-in.js';

let h: Harness;

test.beforeAll(async () => {
  h = await startHarness({ rate: 3, speed: 60, seed: 7 });
});
test.afterAll(async () => {
  await h?.close();
});

/**
 * With revision counters in the snapshot a screen that fetched its data by request asks again
 * only when they move (no polling of sessions, a slow one of the audit log), so a change showing
 * on the other operator's screen within a few seconds came with the push after it.
 */
const SOON = { timeout: 3_000 };

const calls = (page: Page) => page.getByRole('navigation', { name: 'Calls in this session' }).getByRole('button');

test("one operator's annotations and audit entries reach the other operator's open screens with the next push", async ({ browser }) => {
  test.setTimeout(90_000);
  const team = await TeamStandIn.start(h, { revisions: true });
  const [dana, rae] = await Promise.all([team.open(browser, 'Dana Reyes', 'operator'), team.open(browser, 'Rae Kim', 'reviewer')]);
  await dana.getByRole('region', { name: 'Shift owner' }).getByRole('button', { name: 'Take the shift' }).click();
  await expect(dana.getByRole('region', { name: 'Shift owner' })).toContainText('Dana Reyes (you)');

  for (const page of [dana, rae]) await page.getByRole('button', { name: 'Sampling', exact: true }).click();
  const held = dana.getByRole('region', { name: 'Calls held for sampling' });
  const launchCalls = async () => Number(((await held.locator('strong').nth(1).textContent()) ?? '0').replace(/,/g, ''));
  await expect.poll(launchCalls, { timeout: 40_000 }).toBeGreaterThan(300);

  // Dana draws a sample: it shows in Rae's session list without Rae doing anything.
  const form = dana.getByRole('form', { name: 'Draw a sample' });
  await form.getByLabel('Sample name').fill('Night shift sample');
  await form.getByRole('button', { name: 'Draw sample' }).click();
  await dana.getByRole('region', { name: 'Sample drawn' }).getByRole('button', { name: 'Start reviewing' }).click();
  await expect(calls(dana)).toHaveCount(24);
  const raeSession = rae.getByRole('row', { name: 'Session Night shift sample' });
  await expect(raeSession).toContainText('0 of 24 annotated');
  await raeSession.getByRole('button', { name: 'Resume session Night shift sample' }).click();
  await expect(calls(rae)).toHaveCount(24);

  // Dana passes the first call; Rae, on the same call, sees it.
  await dana.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await dana.keyboard.press('p');
  await expect(dana.getByLabel('Session progress', { exact: true })).toHaveText(/1 of 24 annotated/);
  await expect(rae.getByLabel('Session progress', { exact: true })).toHaveText(/1 of 24 annotated/, SOON);
  await expect(calls(rae).first()).toHaveAttribute('aria-label', /verdict pass/, SOON);
  await expect(rae.getByRole('region', { name: 'Annotation' }).getByRole('button', { name: /^Pass/ })).toHaveAttribute('aria-pressed', 'true');

  // Rae notes the second call; Dana sees the verdict in the list and, on that call, the note.
  await rae.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await rae.keyboard.press('j');
  await rae.keyboard.press('f');
  await rae.getByRole('region', { name: 'Annotation' }).getByLabel(/Notes/).fill('Caller asked twice for the refund amount');
  await expect(rae.getByRole('status', { name: 'Save status' })).toContainText('Saved');
  await expect(calls(dana).nth(1)).toHaveAttribute('aria-label', /verdict fail/, SOON);
  await calls(dana).nth(1).click();
  await expect(dana.getByRole('region', { name: 'Annotation' }).getByLabel(/Notes/)).toHaveValue('Caller asked twice for the refund amount', SOON);

  // The audit log open on Dana's screen shows what Rae just did.
  await dana.getByRole('button', { name: 'Audit log', exact: true }).click();
  await expect(dana.getByRole('table', { name: 'Audit entries' })).toBeVisible();
  await rae.getByRole('button', { name: 'Reviews', exact: true }).click();
  const issue = rae.getByRole('form', { name: 'New known issue' });
  await issue.getByLabel('Issue title').fill('Refund amounts read back twice');
  await issue.getByRole('button', { name: 'Add known issue' }).click();
  await expect(dana.getByRole('table', { name: 'Audit entries' })).toContainText('Refund amounts read back twice', SOON);

  await Promise.all([dana.context().close(), rae.context().close()]);
  await team.close();
});

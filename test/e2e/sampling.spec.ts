import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startHarness, type Harness } from './harness.js';

let h: Harness;

test.beforeAll(async () => {
  h = await startHarness({ rate: 3, speed: 60, seed: 7 });
});
test.afterAll(async () => {
  await h?.close();
});

const calls = (page: Page) => page.getByRole('navigation', { name: 'Calls in this session' }).getByRole('button');
const currentCall = (page: Page) => page.getByRole('navigation', { name: 'Calls in this session' }).locator('button[aria-current="true"]');

test('draw a sample, replay a call with its recording, annotate three calls by keyboard, find them after a reload', async ({ page }) => {
  await page.goto(h.host.url);
  await expect(page.getByRole('status', { name: 'Stream connection' })).toContainText('Live');

  await page.getByRole('button', { name: 'Set shift owner' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Dana');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('Shift owner')).toContainText('Dana');

  await page.getByRole('button', { name: 'Sampling', exact: true }).click();
  const held = page.getByRole('region', { name: 'Calls held for sampling' });
  const launchCalls = async () => Number(((await held.locator('strong').nth(1).textContent()) ?? '0').replace(/,/g, ''));
  await expect.poll(launchCalls, { timeout: 20_000 }).toBeGreaterThan(300);

  const form = page.getByRole('form', { name: 'Draw a sample' });
  await form.getByLabel('Sample name').fill('Night shift sample');
  await expect(form.getByLabel('Sample size')).toHaveValue('24');
  await form.getByRole('button', { name: 'Draw sample' }).click();
  const drawn = page.getByRole('region', { name: 'Sample drawn' });
  await expect(drawn.getByLabel('Recorded seed')).toHaveText(/^\d+$/);
  for (const intent of ['book_appointment', 'order_status', 'billing_question', 'cancel_service', 'talk_to_human']) {
    await expect(drawn.getByRole('row', { name: `Spread of ${intent}` })).toBeVisible();
  }
  await drawn.getByRole('button', { name: 'Start reviewing' }).click();
  await expect(page.getByLabel('Session progress', { exact: true })).toHaveText(/0 of 24 annotated/);
  await expect(calls(page)).toHaveCount(24);

  // Replay: the first call that has a recording (a call that never connected has none).
  const recording = page.getByRole('region', { name: 'Recording' });
  for (let i = 0; i < 24; i++) {
    await expect(recording).not.toContainText('Loading');
    if ((await recording.getByLabel('Call recording').count()) > 0) break;
    await page.keyboard.press('j');
  }
  const audio = recording.getByLabel('Call recording');
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.duration)).toBeGreaterThan(0);
  await expect(page.getByRole('region', { name: 'Transcript' })).not.toContainText('@');

  const turns = page.getByRole('region', { name: 'Transcript' }).getByRole('listitem', { name: /^Turn \d+,/ });
  const last = (await turns.count()) - 1;
  expect(last).toBeGreaterThan(0);
  await expect(turns.nth(last)).not.toHaveAttribute('aria-current', 'true');
  await turns.nth(last).getByRole('button', { name: /^Play turn/ }).click();
  await expect(turns.nth(last)).toHaveAttribute('aria-current', 'true');
  const seekTo = await turns.nth(last).getByRole('button', { name: /^Play turn/ }).getAttribute('aria-label');
  const [, m = '0', s = '0'] = /from (\d+):([\d.]+)/.exec(seekTo ?? '') ?? [];
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeGreaterThanOrEqual(Number(m) * 60 + Number(s) - 0.1);

  // Annotation by keyboard alone: nothing focused, then keys only.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const start = Number(/Call (\d+):/.exec((await currentCall(page).getAttribute('aria-label')) ?? '')?.[1]) - 1;
  const annotation = page.getByRole('region', { name: 'Annotation' });
  const saved = page.getByRole('status', { name: 'Save status' });

  await page.keyboard.press('p');
  await expect(annotation.getByRole('button', { name: /^Pass/ })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('j');
  await page.keyboard.press('f');
  await page.keyboard.press('1');
  await expect(annotation.getByRole('button', { name: /ASR error/ })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('f');
  await page.keyboard.press('3');
  await page.keyboard.press('2');
  await expect(annotation.getByRole('button', { name: /Latency/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(saved).toHaveText(/^Saved at/);
  await expect(page.getByLabel('Session progress', { exact: true })).toHaveText(/3 of 24 annotated/);

  // Typing a note is text, not shortcuts; each keystroke goes to disk as typed, so the page is
  // reloaded with the cursor still in the field, with no pause and no leaving it to trigger a save.
  await annotation.getByLabel('Notes').pressSequentially('tool 3 timed out, p f j');
  await expect(annotation.getByRole('button', { name: /^Fail/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(currentCall(page)).toHaveAttribute('aria-label', new RegExp(`^Call ${start + 3}:`));
  await expect(annotation.getByLabel('Notes')).toBeFocused();
  await expect(saved).toHaveText(/^Saved at/);

  await page.reload();
  await page.getByRole('button', { name: 'Sampling', exact: true }).click();
  const row = page.getByRole('row', { name: 'Session Night shift sample' });
  await expect(row).toContainText('3 of 24 annotated');
  await row.getByRole('button', { name: /session Night shift sample/ }).click();
  await expect(page.getByLabel('Session progress', { exact: true })).toHaveText(/3 of 24 annotated/);
  await expect(calls(page).nth(start)).toHaveAttribute('aria-label', /verdict pass$/);
  await expect(calls(page).nth(start + 1)).toHaveAttribute('aria-label', /verdict fail$/);
  await expect(calls(page).nth(start + 2)).toHaveAttribute('aria-label', /verdict fail$/);
  await calls(page).nth(start + 2).click();
  await expect(annotation.getByRole('button', { name: /Wrong tool/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(annotation.getByRole('button', { name: /Latency/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(annotation.getByLabel('Notes')).toHaveValue('tool 3 timed out, p f j');

  const exports = page.getByRole('region', { name: 'Export' });
  const [download] = await Promise.all([page.waitForEvent('download'), exports.getByRole('button', { name: 'Annotations (CSV)' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^night-shift-sample-\d{4}-\d{2}-\d{2}-annotations\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
  expect(csv).toHaveLength(25);
  expect(csv.filter((line) => /,(pass|fail),/.test(line))).toHaveLength(3);
});

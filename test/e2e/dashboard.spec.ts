import { expect, test } from '@playwright/test';
import { startHarness, type Harness } from './harness.js';

let h: Harness;

test.beforeAll(async () => {
  h = await startHarness({ rate: 6, speed: 20 });
});
test.afterAll(async () => {
  await h.close();
});

test('the dashboard moves with the stream and turns stale when the stream stops', async ({ page }) => {
  await page.goto(h.host.url);
  const connection = page.getByRole('status', { name: 'Stream connection' });
  await expect(connection).toContainText('Live');

  const p95 = page.getByRole('group', { name: 'P95 turn latency' });
  await expect(p95).toContainText(/\d+(\.\d+)? (ms|s)/);
  await expect(page.getByRole('group', { name: 'Task completion' })).toContainText('%');
  await expect(page.getByRole('article', { name: 'Safety layer' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Intent book_appointment/ })).toBeVisible();

  const totalCalls = async () => {
    const text = (await page.getByText(/calls since start/).textContent()) ?? '';
    return Number(/(\d+) calls since start/.exec(text)?.[1] ?? 0);
  };
  const first = await totalCalls();
  await expect.poll(totalCalls, { timeout: 15_000 }).toBeGreaterThan(first);
  await expect(page.getByRole('alert', { name: 'Stale data warning' })).toHaveCount(0);

  h.sim.pauseStream();
  await expect(page.getByRole('alert', { name: 'Stale data warning' })).toBeVisible({ timeout: 8_000 });
  await expect(connection).toContainText('Stale');
  const frozen = await totalCalls();
  await page.waitForTimeout(1500);
  expect(await totalCalls()).toBe(frozen);

  h.sim.resumeStream();
  await expect(connection).toContainText('Live', { timeout: 8_000 });
  await expect(page.getByRole('alert', { name: 'Stale data warning' })).toHaveCount(0);
});

test('the address without its token is refused with a plain message', async ({ page }) => {
  await page.goto(h.host.url.replace(/#.*$/, ''));
  await expect(page.getByRole('alert')).toContainText('No console token');
});

test('an address with a wrong token is refused by the host, and no figure is shown', async ({ page }) => {
  await page.goto(h.host.url.replace(/#token=.*$/, '#token=not-the-token'));
  await expect(page.getByRole('alert')).toContainText('The console refused this page: wrong token');
  await expect(page.getByRole('status', { name: 'Stream connection' })).toHaveCount(0);
});

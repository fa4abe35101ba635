import { expect, test } from '@playwright/test';
import { startHarness, type Harness } from './harness.js';

let h: Harness;

test.beforeAll(async () => {
  h = await startHarness({ rate: 2, speed: 1 });
});
test.afterAll(async () => {
  await h.close();
});

test('the token leaves the address bar at load and a reload in the same tab still connects', async ({ page }) => {
  await page.goto(h.host.url);
  const connection = page.getByRole('status', { name: 'Stream connection' });
  await expect(connection).toContainText('Live');
  expect(page.url()).not.toContain(h.host.token);
  expect(new URL(page.url()).hash).toBe('');

  await page.reload();
  await expect(connection).toContainText('Live');
  expect(page.url()).not.toContain(h.host.token);
});

test('the emergency panel says there is no runbook, where the token comes from, and the shortcut for this keyboard', async ({ page }) => {
  await page.goto(h.host.url);
  const panel = page.getByRole('region', { name: 'Emergency controls' });
  await expect(panel.getByRole('note', { name: 'No runbook' })).toContainText('started without manual steps');
  await expect(panel.getByLabel('Routing token status')).toContainText('Read from LAUNCH_ROUTING_TOKEN when this console started.');
  await expect(panel.getByRole('button', { name: /routing token/i })).toHaveCount(0);
  await expect(panel.getByTitle('Emergency stop shortcut')).toHaveText('Ctrl+Shift+E');
});

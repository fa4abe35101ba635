import { expect, test, type WebSocketRoute } from '@playwright/test';
import { startHarness, type Harness } from './harness.js';
import { TeamStandIn } from './team-stand-in.js';

let h: Harness;

test.beforeAll(async () => {
  h = await startHarness({ rate: 2, speed: 1 });
});
test.afterAll(async () => {
  await h.close();
});

test('on one desk the console shows no team controls, and the shift owner is still set by name', async ({ page }) => {
  await page.goto(h.host.url);
  await expect(page.getByRole('status', { name: 'Stream connection' })).toContainText('Live');

  await expect(page.getByRole('region', { name: 'Signed in' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Who is here' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Shift offered to you' })).toHaveCount(0);
  await expect(page.getByRole('alert', { name: 'Connection to the console' })).toHaveCount(0);

  const badge = page.getByRole('region', { name: 'Shift owner' });
  await expect(badge.getByRole('button', { name: 'Offer the shift' })).toHaveCount(0);
  await expect(badge.getByRole('button', { name: 'Take the shift' })).toHaveCount(0);
  await badge.getByRole('button', { name: 'Set shift owner' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Dana Reyes');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(badge).toContainText('Dana Reyes');
  await expect(badge.getByRole('button', { name: 'Hand over shift' })).toBeVisible();

  // Nothing is disabled for a role on one desk.
  const controls = page.getByRole('region', { name: 'Emergency controls' });
  for (const name of ['Stop all', 'Pause ramp', 'Roll back', 'Resume', 'Route to fallback']) {
    await expect(controls.getByRole('button', { name, exact: true })).toBeEnabled();
  }
  await expect(controls.getByRole('button', { name: 'Stop all' })).not.toHaveAttribute('title', /.+/);
});

test('when the connection to the console drops the page says it is reconnecting, sends nothing meanwhile, and comes back on its own', async ({ page }) => {
  let down = false;
  let connections = 0;
  let first: WebSocketRoute | null = null;
  await page.routeWebSocket(/\/bridge$/, (ws) => {
    connections += 1;
    if (down) {
      void ws.close({ code: 1013, reason: 'console restarting' });
      return;
    }
    first ??= ws;
    ws.connectToServer();
  });
  await page.goto(h.host.url);
  const connection = page.getByRole('status', { name: 'Stream connection' });
  await expect(connection).toContainText('Live');

  down = true;
  await first!.close({ code: 1012, reason: 'console restarting' });
  const banner = page.getByRole('alert', { name: 'Connection to the console' });
  await expect(banner).toContainText('RECONNECTING');
  await expect(banner).toContainText('console restarting');
  await expect(banner).toContainText('reconnects on its own');
  await expect(page.locator('.app')).toHaveClass(/is-stale/);
  // The stream's state is the core's to say: cut off from it, the page does not show a frozen "Live".
  await expect(connection).toContainText('Console unreachable');
  await expect.poll(() => connections, { timeout: 8_000 }).toBeGreaterThan(2);

  // An action asked for while the link is down is refused at once, not held to leave later.
  await page.getByRole('region', { name: 'Emergency controls' }).getByRole('button', { name: 'Stop all' }).click();
  await expect(page.getByRole('dialog', { name: /Confirm/ })).toContainText('Not sent: the connection to the console dropped');
  await page.getByRole('button', { name: 'Cancel' }).click();

  down = false;
  await expect(banner).toHaveCount(0, { timeout: 10_000 });
  await expect(connection).toContainText('Live');
  await expect(page.locator('.app')).toHaveClass(/is-live/);
});

test('a page turned away by the console server says it is signed out, why and what to do, and does not knock again', async ({ page }) => {
  let connections = 0;
  let auth = 0;
  await page.routeWebSocket(/\/bridge$/, (ws) => {
    connections += 1;
    ws.onMessage((m) => {
      if (String(m).includes('"auth"')) auth += 1;
    });
    void ws.close({ code: 4401, reason: 'your session ended after 30 min without use: ask an admin for a new sign-in link' });
  });
  // No token in the address and none in this tab: the page signs in by its session cookie.
  await page.goto(h.host.url.replace(/#.*$/, ''));
  const signedOut = page.getByRole('alert', { name: 'Signed out' });
  await expect(signedOut).toContainText('your session ended after 30 min without use');
  await expect(signedOut).toContainText('Ask an admin of this launch for a sign-in link');
  await expect(signedOut.getByRole('button', { name: 'Try again' })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Stream connection' })).toHaveCount(0);
  await page.waitForTimeout(3000);
  expect(connections).toBe(1);
  expect(auth).toBe(0);
});

test('in team mode the header says who is signed in and who is here, and the shift passes by an offer the next operator accepts', async ({ browser }) => {
  test.setTimeout(90_000);
  const team = await TeamStandIn.start(h);
  const [dana, lee, rae] = await Promise.all([
    team.open(browser, 'Dana Reyes', 'operator'),
    team.open(browser, 'Lee Park', 'operator'),
    team.open(browser, 'Rae Kim', 'reviewer'),
  ]);

  await expect(dana.getByRole('region', { name: 'Signed in' })).toContainText('Signed in as Dana Reyes · operator');
  await expect(rae.getByRole('region', { name: 'Signed in' })).toContainText('Rae Kim · reviewer');

  // Nobody owns the shift: an operator takes it; the single-desk form is gone.
  const danaBadge = dana.getByRole('region', { name: 'Shift owner' });
  await expect(danaBadge).toContainText('Nobody');
  await expect(danaBadge.getByRole('button', { name: 'Set shift owner' })).toHaveCount(0);
  const raeTake = rae.getByRole('region', { name: 'Shift owner' }).getByRole('button', { name: 'Take the shift' });
  await expect(raeTake).toBeDisabled();
  await expect(raeTake).toHaveAttribute('title', /reviewer/);
  await danaBadge.getByRole('button', { name: 'Take the shift' }).click();
  await expect(danaBadge).toContainText('Dana Reyes (you)');
  await expect(lee.getByRole('region', { name: 'Shift owner' })).toContainText('Dana Reyes');

  // Presence: each window reports its screen on connect and on every change.
  await lee.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Alerts' }).click();
  const here = dana.getByRole('region', { name: 'Who is here' });
  await expect(here.getByRole('listitem', { name: 'Lee Park, operator, on Alerts' })).toBeVisible();
  await expect(here.getByRole('listitem', { name: 'Rae Kim, reviewer, on Dashboard' })).toBeVisible();
  await expect(here).toContainText('Dana Reyes (you)');

  // A reviewer's emergency controls are disabled, saying why.
  const raeStop = rae.getByRole('region', { name: 'Emergency controls' }).getByRole('button', { name: 'Stop all' });
  await expect(raeStop).toBeDisabled();
  await expect(raeStop).toHaveAttribute('title', /Signed in as a reviewer, you may not trigger “Stop all”/);
  await expect(dana.getByRole('region', { name: 'Emergency controls' }).getByRole('button', { name: 'Stop all' })).toBeEnabled();

  // The owner offers the shift to Lee with a note, withdraws it, and offers it again.
  await danaBadge.getByRole('button', { name: 'Offer the shift' }).click();
  const offerForm = dana.getByRole('form', { name: 'Offer the shift' });
  await expect(offerForm.getByRole('button', { name: 'Offer the shift' })).toBeDisabled();
  await offerForm.getByLabel('Next operator').fill('Lee Park');
  await offerForm.getByLabel('Handover note').fill('Refunds look shaky; the h4 review is yours');
  await offerForm.getByRole('button', { name: 'Offer the shift' }).click();
  await expect(danaBadge.getByLabel('Handover offer')).toContainText('You offered the shift to Lee Park');

  const prompt = lee.getByRole('region', { name: 'Shift offered to you' });
  await expect(prompt).toContainText('Dana Reyes offers you the shift');
  await expect(prompt).toContainText('Refunds look shaky; the h4 review is yours');
  await expect(rae.getByRole('region', { name: 'Shift offered to you' })).toHaveCount(0);

  await danaBadge.getByRole('button', { name: 'Withdraw the offer' }).click();
  await expect(prompt).toHaveCount(0);
  await danaBadge.getByRole('button', { name: 'Offer the shift' }).click();
  await dana.getByRole('form', { name: 'Offer the shift' }).getByLabel('Handover note').fill('Quiet night so far');
  await dana.getByRole('form', { name: 'Offer the shift' }).getByRole('button', { name: 'Offer the shift' }).click();
  await expect(prompt).toContainText('Dana Reyes offers any operator the shift');

  await prompt.getByRole('button', { name: 'Accept the shift' }).click();
  await expect(lee.getByRole('region', { name: 'Shift owner' })).toContainText('Lee Park (you)');
  await expect(danaBadge).toContainText('Lee Park');
  await expect(danaBadge).toContainText('Note: Quiet night so far');
  await expect(prompt).toHaveCount(0);
  expect(team.requests.filter((r) => r.endsWith('operator:set-shift-owner'))).toEqual([]);

  expect(team.authFrames).toBe(0);
  await Promise.all([dana.context().close(), lee.context().close(), rae.context().close()]);
  await team.close();
});

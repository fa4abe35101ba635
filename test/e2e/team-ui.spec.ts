import { expect, test, type Page } from '@playwright/test';
import { forceRequests, startOtherSite, startTeamInBrowser, type TeamInBrowser } from '../support/team-browser.js';
import { startHarness } from './harness.js';

/**
 * Team mode in Chromium against the real console server on a throwaway PostgreSQL cluster, with
 * the simulator as stream and routing provider: three operators, each in a browser context of
 * their own, signed in through the link the admin command printed. The tests run in order on one
 * server: the shift taken and handed over in one is the shift the next acts under.
 */

let w: TeamInBrowser;
let dana: Page;
let lee: Page;
let rae: Page;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  w = await startTeamInBrowser({ database: 'team_ui', sim: { rate: 2, speed: 1 } });
  [dana, lee, rae] = await Promise.all([
    w.signIn(browser, 'Dana Reyes', 'operator'),
    w.signIn(browser, 'Lee Park', 'operator'),
    w.signIn(browser, 'Rae Kim', 'reviewer'),
  ]);
});
test.afterAll(async () => {
  await w?.close();
});

const controls = (page: Page) => page.getByRole('region', { name: 'Emergency controls' });
const badge = (page: Page) => page.getByRole('region', { name: 'Shift owner' });

test('three operators signed in through their own links: each header says who they are, who is here on which screen, and which instance serves and leads', async () => {
  await expect(dana.getByRole('region', { name: 'Signed in' })).toContainText('Signed in as Dana Reyes · operator');
  await expect(lee.getByRole('region', { name: 'Signed in' })).toContainText('Lee Park · operator');
  await expect(rae.getByRole('region', { name: 'Signed in' })).toContainText('Rae Kim · reviewer');
  for (const page of [dana, lee, rae]) {
    await expect(page.getByRole('status', { name: 'Stream connection' })).toContainText('Live');
    await expect(page.getByRole('region', { name: 'Team servers' })).toHaveText(/Served by\s*console-a · which leads the launch/);
    await expect(page.getByRole('alert', { name: 'Team database unreachable' })).toHaveCount(0);
    await expect(page.getByRole('alert', { name: 'No instance leads' })).toHaveCount(0);
    await expect(page.getByRole('alert', { name: 'Acting alone' })).toHaveCount(0);
  }

  // Presence: each window reports its screen on connect and on every change.
  await lee.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Alerts' }).click();
  const here = dana.getByRole('region', { name: 'Who is here' });
  await expect(here.getByRole('listitem', { name: 'Lee Park, operator, on Alerts' })).toBeVisible();
  await expect(here.getByRole('listitem', { name: 'Rae Kim, reviewer, on Dashboard' })).toBeVisible();
  await expect(here).toContainText('Dana Reyes (you)');
  await expect(rae.getByRole('region', { name: 'Who is here' })).toContainText('Here now (3)');
  await lee.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Dashboard' }).click();

  // Nobody owns the shift yet; the single desk's "Set shift owner" form is not offered in team mode.
  await expect(badge(dana)).toContainText('Nobody');
  await expect(badge(dana).getByRole('button', { name: 'Set shift owner' })).toHaveCount(0);
});

test("a reviewer's emergency controls are disabled saying why, and a request forced from her page is refused by the server, audited under her name, and sends nothing", async () => {
  const raeControls = controls(rae);
  for (const name of ['Stop all', 'Pause ramp', 'Roll back']) {
    const button = raeControls.getByRole('button', { name, exact: true });
    await expect(button).toBeDisabled();
    await expect(button).toHaveAttribute('title', /Signed in as a reviewer, you may not trigger/);
  }
  const take = badge(rae).getByRole('button', { name: 'Take the shift' });
  await expect(take).toBeDisabled();
  await expect(take).toHaveAttribute('title', /reviewer/);
  await expect(controls(dana).getByRole('button', { name: 'Stop all', exact: true })).toBeEnabled();

  // What the disabled buttons would have asked, sent by hand over a socket of the page's own.
  const applied = w.sim.appliedActions;
  const answers = await forceRequests(rae, [
    { channel: 'routing:prepare', request: { action: 'stop_all' } },
    { channel: 'routing:execute', request: { intentId: 'a-guessed-intent' } },
    { channel: 'team:take-shift', request: {} },
  ]);
  for (const a of answers) {
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.error).toMatch(/^Refused: a reviewer may not act on the launch/);
  }
  expect(w.sim.appliedActions).toBe(applied);
  expect(w.sim.routing().mode).toBe('live');
  const refusals = (await w.audit()).filter((e) => e.type === 'access' && e.operator === 'Rae Kim');
  expect(refusals.map((e) => e.summary).join('\n')).toMatch(/routing:prepare[\s\S]*routing:execute[\s\S]*team:take-shift/);
  // Her own window carries on, signed in.
  await expect(rae.getByRole('region', { name: 'Signed in' })).toContainText('Rae Kim');
});

test('the session cookie is out of reach of page scripts, and a page on another origin can neither open the bridge nor sign an operator out', async () => {
  const cookies = await dana.context().cookies(w.origin);
  const session = cookies.find((c) => c.name === 'launch-console-session');
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  expect(await dana.evaluate(() => document.cookie)).not.toContain('launch-console-session');
  expect(await dana.evaluate(() => document.cookie)).not.toContain(session!.value);

  // Another port of the same host is another origin but the same site, so the browser does send the
  // SameSite=Strict cookie along: what turns these away is the server's check of the Origin.
  const other = await startOtherSite();
  try {
    const elsewhere = await dana.context().newPage();
    await elsewhere.goto(other.url);
    const tried = await elsewhere.evaluate(async (origin) => {
      const socket = await new Promise<string>((resolve) => {
        const s = new WebSocket(`${origin.replace(/^http/, 'ws')}/bridge`);
        s.onmessage = (ev) => resolve(`message ${String(ev.data).slice(0, 40)}`);
        s.onclose = (ev) => resolve(`closed ${ev.code}`);
      });
      const signOut = await fetch(`${origin}/signout`, { method: 'POST', credentials: 'include', mode: 'no-cors' }).then(
        (r) => `answered (${r.type})`,
        (e: Error) => `failed: ${e.message}`,
      );
      return { socket, signOut };
    }, w.origin);
    expect(tried.socket).toBe('closed 1006');
    await elsewhere.close();
  } finally {
    await other.close();
  }
  await expect
    .poll(async () => (await w.audit()).filter((e) => e.type === 'access').map((e) => e.summary).join('\n'))
    .toMatch(/a connection from another site \(http:\/\/127\.0\.0\.1:\d+\)[\s\S]*a sign-out posted from another site|a sign-out posted from another site[\s\S]*a connection from another site/);

  // The forged sign-out ended nothing: Dana's window is still signed in, and so is a reload.
  await dana.reload();
  await expect(dana.getByRole('region', { name: 'Signed in' })).toContainText('Dana Reyes');
  await expect(dana.getByRole('status', { name: 'Stream connection' })).toContainText('Live');
});

test('the shift passes by an offer with a note in one browser, accepted in another, and every header follows', async () => {
  await badge(dana).getByRole('button', { name: 'Take the shift' }).click();
  await expect(badge(dana)).toContainText('Dana Reyes (you)');
  for (const page of [lee, rae]) await expect(badge(page)).toContainText('Dana Reyes');

  // Offered to Lee with a note, withdrawn, and offered again to any operator.
  await badge(dana).getByRole('button', { name: 'Offer the shift' }).click();
  const offerForm = dana.getByRole('form', { name: 'Offer the shift' });
  await expect(offerForm.getByRole('button', { name: 'Offer the shift' })).toBeDisabled();
  await offerForm.getByLabel('Next operator').fill('Lee Park');
  await offerForm.getByLabel('Handover note').fill('Refunds look shaky; the h4 review is yours');
  await offerForm.getByRole('button', { name: 'Offer the shift' }).click();
  await expect(badge(dana).getByLabel('Handover offer')).toContainText('You offered the shift to Lee Park');
  const prompt = lee.getByRole('region', { name: 'Shift offered to you' });
  await expect(prompt).toContainText('Dana Reyes offers you the shift');
  await expect(prompt).toContainText('Refunds look shaky; the h4 review is yours');
  await expect(rae.getByRole('region', { name: 'Shift offered to you' })).toHaveCount(0);
  await expect(badge(rae).getByLabel('Handover offer')).toContainText('Lee Park');

  await badge(dana).getByRole('button', { name: 'Withdraw the offer' }).click();
  await expect(prompt).toHaveCount(0);
  await badge(dana).getByRole('button', { name: 'Offer the shift' }).click();
  await dana.getByRole('form', { name: 'Offer the shift' }).getByLabel('Handover note').fill('Quiet night so far');
  await dana.getByRole('form', { name: 'Offer the shift' }).getByRole('button', { name: 'Offer the shift' }).click();
  await expect(prompt).toContainText('Dana Reyes offers any operator the shift');

  await prompt.getByRole('button', { name: 'Accept the shift' }).click();
  await expect(badge(lee)).toContainText('Lee Park (you)');
  for (const page of [dana, rae]) {
    await expect(badge(page)).toContainText('Lee Park');
    await expect(badge(page)).toContainText('Note: Quiet night so far');
    await expect(badge(page).getByLabel('Handover offer')).toHaveCount(0);
  }
  await expect(prompt).toHaveCount(0);

  const shift = (await w.audit()).filter((e) => e.type === 'shift');
  expect(shift.some((e) => e.operator === 'Dana Reyes' && e.summary.includes('Lee Park'))).toBe(true);
  expect(shift.at(-1)?.operator).toBe('Lee Park');
});

test('two operators pressing Stop all at once in two browsers send one action to the provider, and both screens show the same outcome', async () => {
  const applied = w.sim.appliedActions;
  // Both confirms open on the same routing state, then both are pressed together.
  const dialogs = await Promise.all(
    [dana, lee].map(async (page) => {
      await controls(page).getByRole('button', { name: 'Stop all', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Confirm Stop all agent traffic' });
      await expect(dialog.getByRole('button', { name: 'Confirm' })).toBeEnabled();
      return dialog;
    }),
  );
  await Promise.all(dialogs.map((d) => d.getByRole('button', { name: 'Confirm' }).click()));
  for (const d of dialogs) await expect(d.getByRole('status', { name: 'Action outcome' })).toContainText(/^Verified in \d+ ms/);

  expect(w.sim.appliedActions).toBe(applied + 1);
  expect(w.sim.routing().mode).toBe('stopped');
  const [first, second] = await Promise.all(dialogs.map((d) => d.getByRole('status', { name: 'Action outcome' }).innerText()));
  expect(second).toBe(first);

  // The audit log has the action once, under the operator whose confirm was sent, and the other's confirm as joined.
  const stops = (await w.audit()).filter((e) => e.type === 'action' && (e.data as { request?: { action?: string } }).request?.action === 'stop_all');
  expect(stops).toHaveLength(2);
  const sent = stops.find((e) => (e.data as { status: string }).status !== 'joined')!;
  const joined = stops.find((e) => (e.data as { status: string }).status === 'joined')!;
  expect([sent.operator, joined.operator].sort()).toEqual(['Dana Reyes', 'Lee Park']);
  expect(joined.summary).toContain(`it was sent once, on ${sent.operator}'s confirm`);

  // The third screen, which pressed nothing, shows the launch stopped and who stopped it.
  for (const d of dialogs) await d.getByRole('button', { name: 'Close' }).click();
  for (const page of [dana, lee, rae]) {
    await expect(controls(page).getByLabel('Routing mode')).toHaveText(/stopped/i);
    await expect(controls(page).getByLabel('Last action')).toContainText(`by ${sent.operator}`);
  }
});

test('an operator whose access is revoked is signed out in the open page, told why and what to do, and the page does not knock again', async () => {
  let sockets = 0;
  rae.on('websocket', () => (sockets += 1));
  expect((await w.team.team(['revoke', 'Rae Kim'])).code).toBe(0);

  const signedOut = rae.getByRole('alert', { name: 'Signed out' });
  await expect(signedOut).toContainText('revoked');
  await expect(signedOut).toContainText('Ask an admin of this launch for a sign-in link');
  await expect(signedOut.getByRole('button', { name: 'Try again' })).toBeVisible();
  await expect(rae.getByRole('status', { name: 'Stream connection' })).toHaveCount(0);
  // After a drop the page tries again within a second; after a refusal it does not try at all.
  await rae.waitForTimeout(2_000);
  expect(sockets).toBe(0);
  // The others' lists of who is here let her go.
  await expect(dana.getByRole('region', { name: 'Who is here' })).not.toContainText('Rae Kim');
  await expect(dana.getByRole('region', { name: 'Who is here' })).toContainText('Here now (2)');
});

test('on one desk the console shows no team controls, and the shift owner is still set by name', async ({ page }) => {
  const h = await startHarness({ rate: 2, speed: 1 });
  try {
    await page.goto(h.host.url);
    await expect(page.getByRole('status', { name: 'Stream connection' })).toContainText('Live');

    await expect(page.getByRole('region', { name: 'Signed in' })).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Who is here' })).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Team servers' })).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Shift offered to you' })).toHaveCount(0);
    await expect(page.getByRole('alert', { name: 'Connection to the console' })).toHaveCount(0);

    await expect(badge(page).getByRole('button', { name: 'Offer the shift' })).toHaveCount(0);
    await expect(badge(page).getByRole('button', { name: 'Take the shift' })).toHaveCount(0);
    await badge(page).getByRole('button', { name: 'Set shift owner' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Dana Reyes');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(badge(page)).toContainText('Dana Reyes');
    await expect(badge(page).getByRole('button', { name: 'Hand over shift' })).toBeVisible();

    // Nothing is disabled for a role on one desk.
    for (const name of ['Stop all', 'Pause ramp', 'Roll back', 'Resume', 'Route to fallback']) {
      await expect(controls(page).getByRole('button', { name, exact: true })).toBeEnabled();
    }
    await expect(controls(page).getByRole('button', { name: 'Stop all' })).not.toHaveAttribute('title', /.+/);
  } finally {
    await h.close();
  }
});

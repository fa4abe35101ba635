import { expect, test, type Page } from '@playwright/test';
import { startTeamInBrowser, type TeamInBrowser } from '../support/team-browser.js';

/**
 * One operator's change reaching the others' open screens, and what every screen says when part of
 * the team's machinery fails: an instance serving a window goes away, the database goes down and
 * comes back. The real console server on a throwaway PostgreSQL cluster, the simulator as stream
 * and routing provider, three operators signed in through their own links. In order, on one server.
 */

let w: TeamInBrowser;
let dana: Page;
let rae: Page;
let noor: Page;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  w = await startTeamInBrowser({ database: 'team_live', sim: { rate: 3, speed: 60, seed: 7 } });
  [dana, rae, noor] = await Promise.all([
    w.signIn(browser, 'Dana Reyes', 'operator'),
    w.signIn(browser, 'Rae Kim', 'reviewer'),
    w.signIn(browser, 'Noor Haddad', 'reviewer'),
  ]);
});
test.afterAll(async () => {
  await w?.close();
});

/**
 * A screen that fetched its data by request asks again when the snapshot's counters move, so a
 * change showing on another operator's screen within a few seconds came with the push after it.
 */
const SOON = { timeout: 3_000 };

const calls = (page: Page) => page.getByRole('navigation', { name: 'Calls in this session' }).getByRole('button');
const blur = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

test("one reviewer's annotations reach another reviewer's open replay screen, and a known issue the audit log open on an operator's screen", async () => {
  for (const page of [rae, noor]) await page.getByRole('button', { name: 'Sampling', exact: true }).click();
  const held = rae.getByRole('region', { name: 'Calls held for sampling' });
  const launchCalls = async () => Number(((await held.locator('strong').nth(1).textContent()) ?? '0').replace(/,/g, ''));
  await expect.poll(launchCalls, { timeout: 20_000 }).toBeGreaterThan(300);

  // Rae draws a sample: it shows in Noor's session list without Noor doing anything.
  const form = rae.getByRole('form', { name: 'Draw a sample' });
  await form.getByLabel('Sample name').fill('Night shift sample');
  await form.getByRole('button', { name: 'Draw sample' }).click();
  await rae.getByRole('region', { name: 'Sample drawn' }).getByRole('button', { name: 'Start reviewing' }).click();
  await expect(calls(rae)).toHaveCount(24);
  const noorSession = noor.getByRole('row', { name: 'Session Night shift sample' });
  await expect(noorSession).toContainText('0 of 24 annotated');
  await noorSession.getByRole('button', { name: 'Resume session Night shift sample' }).click();
  await expect(calls(noor)).toHaveCount(24);

  // Rae passes the first call; Noor, on the same call, sees it.
  await blur(rae);
  await rae.keyboard.press('p');
  await expect(rae.getByLabel('Session progress', { exact: true })).toHaveText(/1 of 24 annotated/);
  await expect(noor.getByLabel('Session progress', { exact: true })).toHaveText(/1 of 24 annotated/, SOON);
  await expect(calls(noor).first()).toHaveAttribute('aria-label', /verdict pass/, SOON);
  await expect(noor.getByRole('region', { name: 'Annotation' }).getByRole('button', { name: /^Pass/ })).toHaveAttribute('aria-pressed', 'true');

  // Noor fails the second call with a note; Rae sees the verdict in the list and, on that call, the note.
  await blur(noor);
  await noor.keyboard.press('j');
  await noor.keyboard.press('f');
  await noor.getByRole('region', { name: 'Annotation' }).getByLabel(/Notes/).fill('Caller asked twice for the refund amount');
  await expect(noor.getByRole('status', { name: 'Save status' })).toContainText('Saved');
  await expect(calls(rae).nth(1)).toHaveAttribute('aria-label', /verdict fail/, SOON);
  await calls(rae).nth(1).click();
  await expect(rae.getByRole('region', { name: 'Annotation' }).getByLabel(/Notes/)).toHaveValue('Caller asked twice for the refund amount', SOON);

  // The audit log open on Dana's screen shows the known issue Noor adds, under her name.
  await dana.getByRole('button', { name: 'Audit log', exact: true }).click();
  const entries = dana.getByRole('table', { name: 'Audit entries' });
  await expect(entries).toBeVisible();
  await noor.getByRole('button', { name: 'Reviews', exact: true }).click();
  const issue = noor.getByRole('form', { name: 'New known issue' });
  await issue.getByLabel('Issue title').fill('Refund amounts read back twice');
  await issue.getByRole('button', { name: 'Add known issue' }).click();
  await expect(entries).toContainText('Refund amounts read back twice', SOON);
  await expect(entries.getByRole('row').filter({ hasText: 'Refund amounts read back twice' })).toContainText('Noor Haddad');
  await dana.getByRole('button', { name: 'Dashboard', exact: true }).click();
});

test('a window served by a second instance says which serves it and which leads, and when that instance goes away it reconnects on its own', async () => {
  let b = await w.startInstance('console-b');
  const port = b.port;
  const page = await dana.context().newPage();
  try {
    // The session cookie from the sign-in at console-a is valid at every instance.
    await page.goto(`http://127.0.0.1:${port}/`);
    const servers = page.getByRole('region', { name: 'Team servers' });
    await expect(servers).toHaveText(/Served by\s*console-b · console-a leads/);
    await expect(page.getByRole('region', { name: 'Signed in' })).toContainText('Dana Reyes');
    await expect(page.getByRole('status', { name: 'Stream connection' })).toContainText('Live');
    await expect(dana.getByRole('region', { name: 'Who is here' })).toContainText('Dashboard (2 windows)');

    await b.close();
    const banner = page.getByRole('alert', { name: 'Connection to the console' });
    await expect(banner).toContainText('RECONNECTING');
    await expect(banner).toContainText('reconnects on its own');
    await expect(page.locator('.app')).toHaveClass(/is-stale/);
    // An action asked for while the link is down is refused at once, not held to leave later.
    await page.getByRole('region', { name: 'Emergency controls' }).getByRole('button', { name: 'Pause ramp' }).click();
    await expect(page.getByRole('dialog', { name: /Confirm/ })).toContainText('Not sent: the connection to the console dropped');
    await page.getByRole('button', { name: 'Cancel' }).click();
    // The window served by console-a never noticed.
    await expect(dana.getByRole('alert', { name: 'Connection to the console' })).toHaveCount(0);

    b = await w.startInstance('console-b', port);
    await expect(banner).toHaveCount(0, { timeout: 15_000 });
    await expect(page.locator('.app')).toHaveClass(/is-live/);
    await expect(servers).toHaveText(/Served by\s*console-b · console-a leads/);
  } finally {
    await page.close();
    await b.close();
  }
});

test("while the team's database is down every screen says so and since when, nothing is saved, an emergency action still acts alone and is counted, and it all joins the team's log when the database is back", async () => {
  await dana.locator('header.topbar').screenshot({ path: test.info().outputPath('team-header.png') });

  await w.cluster.stop('immediate');
  for (const page of [dana, rae, noor]) {
    const banner = page.getByRole('alert', { name: 'Team database unreachable' });
    await expect(banner).toContainText(/cannot be reached since \d\d:\d\d/, { timeout: 15_000 });
    await expect(banner).toContainText('shown as last seen');
    await expect(banner).toContainText('nothing can be saved');
    await expect(banner).toContainText('Pause ramp, Route to fallback and Stop all still act, alone.');
    await expect(page.getByRole('alert', { name: 'Acting alone' })).toContainText('No action taken alone yet');
    await expect(page.locator('.app')).toHaveClass(/is-stale/);
    // The lead gone with the database is said by the banners above, not as a second alarm.
    await expect(page.getByRole('alert', { name: 'No instance leads' })).toHaveCount(0);
    await expect(page.getByRole('region', { name: 'Team servers' })).toContainText('no instance leads');
  }

  // Nothing can be saved, and the reviewer is told so rather than shown it as kept.
  await noor.getByRole('button', { name: 'Reviews', exact: true }).click();
  const issue = noor.getByRole('form', { name: 'New known issue' });
  await issue.getByLabel('Issue title').fill('Written while the database was down');
  await issue.getByRole('button', { name: 'Add known issue' }).click();
  await expect(issue.getByRole('alert')).toContainText(/database cannot be reached/);

  // Pausing the ramp does not wait for the database: the instance acts alone and every screen counts it.
  const applied = w.sim.appliedActions;
  await dana.getByRole('region', { name: 'Emergency controls' }).getByRole('button', { name: 'Pause ramp', exact: true }).click();
  const dialog = dana.getByRole('dialog', { name: /^Confirm / });
  await dialog.getByRole('textbox', { name: /Reason/ }).fill('Database down, holding the ramp');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog.getByRole('status', { name: 'Action outcome' })).toContainText(/^Verified/);
  expect(w.sim.appliedActions).toBe(applied + 1);
  expect(w.sim.routing().mode).toBe('paused');
  await dialog.getByRole('button', { name: 'Close' }).click();
  for (const page of [dana, rae, noor]) {
    await expect(page.getByRole('alert', { name: 'Acting alone' }).getByLabel('Actions journaled alone')).toHaveText(
      "1 action taken alone waits to be added to the team's audit log.",
    );
  }
  await dana.screenshot({ path: test.info().outputPath('team-database-down.png') });

  await w.cluster.start();
  for (const page of [dana, rae, noor]) {
    await expect(page.getByRole('alert', { name: 'Team database unreachable' })).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByRole('alert', { name: 'Acting alone' })).toHaveCount(0);
  }
  for (const page of [dana, rae, noor]) {
    await expect(page.getByRole('region', { name: 'Team servers' })).toHaveText(/Served by\s*console-a · which leads the launch/, { timeout: 30_000 });
    await expect(page.getByRole('alert', { name: 'No instance leads' })).toHaveCount(0);
    await expect(page.getByRole('status', { name: 'Actions journaled alone' })).toHaveCount(0, { timeout: 15_000 });
    await expect(page.locator('.app')).toHaveClass(/is-live/, { timeout: 15_000 });
  }
  await issue.getByLabel('Issue title').fill('Written after the database came back');
  await issue.getByRole('button', { name: 'Add known issue' }).click();
  await dana.getByRole('button', { name: 'Audit log', exact: true }).click();
  const entries = dana.getByRole('table', { name: 'Audit entries' });
  await expect(entries).toContainText('Written after the database came back', SOON);
  await expect(entries).toContainText('Database down, holding the ramp');
  await expect(entries).not.toContainText('Written while the database was down');
});

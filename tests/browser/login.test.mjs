// Signing in to the web console of a server with API tokens, in real headless Chromium: the
// sign-in form, a refused token, what each role sees (and does not), sign-out, and a session that
// lasts while the tab does. Screenshots go to <build>/test-artifacts/console (login-*).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  breakAProcess, openBrowser, restClient, screenshot, startServerWith, stopAllAfterTests, tokensOf,
} from './harness.mjs';

const tokens = tokensOf('admin', 'viewer', 'operator', 'starter', 'worker');
let url;
let broken;  // a broken process of Crash#1.0
let context;  // one browser profile: its tabs share cookies and localStorage, not sessionStorage
let page;

before(async () => {
  url = await startServerWith(tokens);
  const api = restClient(url, tokens.admin.secret);
  broken = await breakAProcess(api);
  await api.start('Crash#1.0', 'start', []);  // waits in the queue: nobody polls it again
  context = await (await openBrowser()).newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
});

stopAllAfterTests();

const storedToken = (on = page) => on.evaluate(() => window.sessionStorage.getItem('pledge.token'));

// Neither a cookie nor localStorage ever holds the token.
async function assertOnlySessionStorage(on = page) {
  assert.deepEqual(await context.cookies(), []);
  assert.equal(await on.evaluate(() => window.localStorage.length), 0);
}

async function signIn(token) {
  await page.getByTestId('sign-in').waitFor();
  await page.getByTestId('token').fill(token.secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('account').getByText(`${token.name} · ${token.role}`).waitFor();
}

async function signOut() {
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in').waitFor();
}

test('the server needs a token: without one the console shows the sign-in form and no page', async () => {
  const anonymous = await fetch(`${url}/api/v1/whoami`);
  assert.equal(anonymous.status, 401);
  await page.goto(`${url}/#/queues`);
  const form = page.getByTestId('sign-in');
  await form.waitFor();
  assert.equal(await page.getByTestId('token').getAttribute('type'), 'password');
  assert.match(await form.textContent(), /pledge-server token create/);
  assert.equal(await page.locator('header nav a').count(), 0);
  assert.equal(await page.getByTestId('queues').count(), 0);
  await screenshot(page, 'login-form');
});

test('a wrong token is refused with an error and is not kept', async () => {
  await page.getByTestId('token').fill(`pledge_${'x'.repeat(43)}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const error = page.getByTestId('sign-in-error');
  await error.waitFor();
  assert.match(await error.textContent(), /not accepted/);
  assert.equal(await storedToken(), null);
  await assertOnlySessionStorage();
  await screenshot(page, 'login-refused');
});

test('a viewer reads queues, processes and actors but sees no restart, abort or block', async () => {
  await signIn(tokens.viewer);
  assert.equal(await storedToken(), tokens.viewer.secret);
  await assertOnlySessionStorage();
  const nav = await page.locator('header nav a').allTextContents();
  assert.deepEqual(nav, ['Queues', 'Processes', 'Broken', 'Actors', 'Workflows', 'Schedules', 'Events', 'Metrics', 'Cluster']);

  await page.getByTestId('queues').getByText('Crash#1.0', { exact: true }).waitFor();
  await screenshot(page, 'login-viewer-queues');

  await page.goto(`${url}/#/processes`);
  await page.getByTestId('processes').locator(`a[href="#/processes/${broken}"]`).waitFor();

  await page.goto(`${url}/#/processes/${broken}`);
  await page.getByTestId('graph').waitFor();
  await page.getByTestId('process-error').waitFor();
  assert.equal(await page.getByTestId('restart').count(), 0);
  assert.equal(await page.getByTestId('abort').count(), 0);
  await screenshot(page, 'login-viewer-process');

  await page.goto(`${url}/#/broken`);
  const row = page.locator(`[data-testid="broken-process"][data-process="${broken}"]`);
  await row.waitFor();
  assert.equal(await page.getByRole('button', { name: /Restart|Abort/ }).count(), 0);

  await page.goto(`${url}/#/actors`);
  await page.locator('[data-testid="actor"][data-actor="Crash#1.0"]').waitFor();
  assert.equal(await page.getByTestId('toggle-block').count(), 0);
  await screenshot(page, 'login-viewer-actors');

  // /metrics needs the token too: the first sample is taken at once.
  const metrics = page.waitForResponse((response) => response.url().endsWith('/metrics'));
  await page.goto(`${url}/#/metrics`);
  assert.equal((await metrics).status(), 200);
  await page.getByTestId('chart-processes').locator('canvas').waitFor();
  assert.equal(await page.locator('.banner').count(), 0);
});

test('a reload keeps the session in its tab; another tab asks again', async () => {
  await page.reload();
  await page.getByTestId('account').getByText('viewer-1 · viewer').waitFor();
  await page.getByTestId('chart-processes').locator('canvas').waitFor();  // the page it was on
  const otherTab = await context.newPage();
  await otherTab.goto(`${url}/#/queues`);
  await otherTab.getByTestId('sign-in').waitFor();
  assert.equal(await storedToken(otherTab), null);
  await otherTab.close();
});

test('sign out forgets the token and shows the form again, also after a reload', async () => {
  await signOut();
  assert.equal(await storedToken(), null);
  assert.equal(await page.locator('header nav a').count(), 0);
  await page.reload();
  await page.getByTestId('sign-in').waitFor();
  await screenshot(page, 'login-signed-out');
});

test('an operator may block an actor and sees restart and abort', async () => {
  await signIn(tokens.operator);
  await page.goto(`${url}/#/actors`);
  const crash = page.locator('[data-testid="actor"][data-actor="Crash#1.0"]');
  await crash.getByTestId('toggle-block').click();
  await crash.getByText('blocked', { exact: true }).waitFor();
  await screenshot(page, 'login-operator-actors');
  const actors = await restClient(url, tokens.operator.secret).get('/api/v1/actors');
  assert.equal(actors.find((a) => a.actor === 'Crash#1.0').blocked, true);
  await crash.getByTestId('toggle-block').click();
  await crash.getByText('active', { exact: true }).waitFor();

  await page.goto(`${url}/#/processes/${broken}`);
  await page.getByTestId('graph').waitFor();
  assert.equal(await page.getByTestId('restart').isEnabled(), true);
  assert.equal(await page.getByTestId('abort').isEnabled(), true);
  await signOut();
});

test('a starter sees why it may not list processes or read the queues, and may open a process', async () => {
  await signIn(tokens.starter);
  assert.deepEqual(await page.locator('header nav a').allTextContents(), ['Processes']);
  await page.goto(`${url}/#/processes`);
  const refused = page.getByTestId('refused');
  await refused.waitFor();  // the server answered the list with 403
  assert.match(await refused.textContent(), /Your token's role \(starter\) may not list or search processes/);
  await screenshot(page, 'login-starter-processes');

  await page.goto(`${url}/#/queues`);
  await page.getByTestId('refused').getByText(/role \(starter\) may not read the queues/).waitFor();
  await screenshot(page, 'login-starter-queues');

  await page.goto(`${url}/#/processes`);
  await page.getByTestId('search').fill(broken);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByTestId('graph').waitFor();
  assert.equal(await page.getByTestId('abort').count(), 0);
  await signOut();
});

test('a worker token signs in but is told the console shows it nothing', async () => {
  await signIn(tokens.worker);
  assert.equal(await page.locator('header nav a').count(), 0);
  await page.getByTestId('refused').getByText(/role \(worker\) may not read anything the console shows/).waitFor();
  await screenshot(page, 'login-worker');
  await signOut();
});

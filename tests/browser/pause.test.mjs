// Pausing a process from the web console (docs/operations.md "Pausing a process"), in real
// headless Chromium against a real pledge-server with API tokens: the process page's Pause and
// Resume buttons and its paused badge, the processes list's paused filter and marker, and that a
// viewer gets no Pause button. The process is of Held#1.0, which nobody runs: its start task stays
// ready, so a poll over REST shows whether it is handed out. Screenshots go to
// <build>/test-artifacts/console (pause-*).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openPage, restClient, screenshot, signInAs, signOutOf, startServerWith, stopAllAfterTests,
  tokensOf,
} from './harness.mjs';

const tokens = tokensOf('admin', 'operator', 'viewer');
let url;
let api;
let page;
let held;   // a process of Held#1.0: paused and resumed from its page
let other;  // a process of Other#1.0, never paused

before(async () => {
  url = await startServerWith(tokens);
  api = restClient(url, tokens.admin.secret);
  held = (await api.start('Held#1.0', 'start', [])).processId;
  other = (await api.start('Other#1.0', 'start', [])).processId;
  page = await openPage();
});

stopAllAfterTests();

const signIn = (token) => signInAs(page, url, token);
const signOut = () => signOutOf(page);

const poll = (waitMs) => api.post('/api/v1/tasks/poll', {
  worker: 'browser-test', actors: [{ actor: 'Held#1.0' }], max: 1, waitMs,
});

test('Pause on the process page holds its tasks back and shows a paused badge', async () => {
  await signIn(tokens.operator);
  await page.goto(`${url}/#/processes/${held}`);
  await page.getByTestId('graph').waitFor();
  assert.equal(await page.getByTestId('paused-badge').count(), 0);
  assert.equal(await page.getByTestId('resume').count(), 0);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByTestId('paused-badge').waitFor();
  assert.match(await page.getByTestId('paused-notice').textContent(),
    /none of its tasks is handed out until it is resumed/);
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  assert.equal(await page.getByTestId('pause').count(), 0);
  assert.equal(await page.locator('h1 .badge').first().textContent(), 'running');
  await screenshot(page, 'pause-paused');

  const process = await api.get(`/api/v1/processes/${held}`);
  assert.equal(process.state, 'running');
  assert.equal(process.paused, true);
  assert.deepEqual((await poll(0)).tasks, [], 'a paused process gets none of its tasks handed out');
  // The badge stays over the page's refreshes.
  await page.waitForTimeout(1500);
  assert.equal(await page.getByTestId('paused-badge').count(), 1);
});

test('the processes list filters the paused processes and marks them', async () => {
  await page.goto(`${url}/#/processes`);
  const table = page.getByTestId('processes');
  await table.locator(`a[href="#/processes/${other}"]`).waitFor();
  const heldRow = table.locator('tr').filter({ has: page.locator(`a[href="#/processes/${held}"]`) });
  const otherRow = table.locator('tr').filter({ has: page.locator(`a[href="#/processes/${other}"]`) });
  assert.equal(await heldRow.getByTestId('paused-marker').count(), 1);
  assert.equal(await otherRow.getByTestId('paused-marker').count(), 0);

  await page.getByTestId('state-filter').selectOption('paused');
  await otherRow.waitFor({ state: 'detached' });
  await heldRow.waitFor();
  assert.equal(await table.locator('tbody tr').count(), 1);
  assert.match(await heldRow.textContent(), /running\s*paused/);
  await screenshot(page, 'pause-list');
});

test('Resume hands the held start task out again and the badge goes', async () => {
  await page.goto(`${url}/#/processes/${held}`);
  await page.getByTestId('paused-badge').waitFor();
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.getByTestId('paused-badge').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('paused-notice').count(), 0);
  await page.getByRole('button', { name: 'Pause' }).waitFor();
  await screenshot(page, 'pause-resumed');
  assert.equal((await api.get(`/api/v1/processes/${held}`)).paused, false);

  const polled = await poll(5000);
  assert.equal(polled.tasks.length, 1);
  assert.equal(polled.tasks[0].processId, held);
  assert.equal(polled.tasks[0].method, 'start');
});

test('a viewer sees the paused badge but no Pause or Resume button', async () => {
  await signOut();
  await signIn(tokens.viewer);
  await page.goto(`${url}/#/processes/${other}`);
  await page.getByTestId('graph').waitFor();
  assert.equal(await page.getByRole('button', { name: /Pause|Resume/ }).count(), 0);

  await api.post(`/api/v1/processes/${other}/pause`);
  await page.getByTestId('paused-badge').waitFor();
  assert.equal(await page.getByRole('button', { name: /Pause|Resume/ }).count(), 0);
  await screenshot(page, 'pause-viewer');
});

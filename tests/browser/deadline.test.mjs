// A process deadline in the web console (docs/operations.md "Timeouts and cancellation"), in real
// headless Chromium against a real pledge-server: the process page shows the deadline, then the
// process broken with the timed-out error once it passed, and the processes list shows it in its
// Deadline column. The processes are of Timed#1.0, which nobody runs: the start task stays ready
// until the deadline breaks the process. Screenshots go to <build>/test-artifacts/console
// (deadline-*).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openPage, restClient, screenshot, signInAs, startServerWith, stopAllAfterTests, tokensOf,
} from './harness.mjs';

const tokens = tokensOf('admin', 'viewer');
const deadlineMs = 4000;
let url;
let api;
let page;
let timed;     // started with a deadline of deadlineMs
let deadline;  // its deadline (epoch ms) as REST answers it
let untimed;   // started with none

before(async () => {
  url = await startServerWith(tokens);
  api = restClient(url, tokens.admin.secret);
  const startedAt = Date.now();
  timed = (await api.post('/api/v1/processes', { actor: 'Timed#1.0', method: 'start', deadlineMs }))
    .processId;
  untimed = (await api.start('Timed#1.0', 'start', [])).processId;
  deadline = (await api.get(`/api/v1/processes/${timed}`)).deadline;
  assert.ok(deadline >= startedAt + deadlineMs, `${deadline}`);
  assert.ok(deadline <= Date.now() + deadlineMs, `${deadline}`);
  page = await openPage();
  await signInAs(page, url, tokens.viewer);
});

stopAllAfterTests();

// The deadline as the browser writes a time (format.js clock).
const clockOf = (at) => page.evaluate((epochMs) => new Date(epochMs).toLocaleString(), at);
const rowOf = (id) => page.getByTestId('processes').locator('tbody tr')
  .filter({ has: page.locator(`a[href="#/processes/${id}"]`) });

test('the process page shows the deadline, then the process broken by it', async () => {
  await page.goto(`${url}/#/processes/${timed}`);
  const line = page.getByTestId('process-deadline');
  await line.waitFor();
  const shown = await line.textContent();
  assert.ok(shown.startsWith(`deadline ${await clockOf(deadline)}`), shown);
  assert.match(shown, /\(in [\d.]+ s\)/);
  assert.equal(await page.getByTestId('process-error').count(), 0);
  await screenshot(page, 'deadline-running');

  // The page polls every second: the broken state arrives without a reload.
  await page.getByTestId('timed-out').waitFor({ timeout: deadlineMs + 15000 });
  assert.ok(Date.now() >= deadline);
  const error = await page.getByTestId('process-error').textContent();
  assert.match(error, /Timed out\.\s*pledge\.Timeout: .*deadline passed/s);
  assert.equal(await page.locator('h1 .badge').first().textContent(), 'broken');
  assert.ok((await line.textContent()).startsWith(`deadline ${await clockOf(deadline)}`));
  await screenshot(page, 'deadline-passed');

  const answered = await api.get(`/api/v1/processes/${timed}`);
  assert.equal(answered.state, 'broken');
  assert.equal(answered.deadline, deadline);
  assert.equal(answered.error.type, 'pledge.Timeout');
});

test('a process without a deadline shows no deadline line', async () => {
  await page.goto(`${url}/#/processes/${untimed}`);
  await page.getByTestId('graph').waitFor();
  assert.equal(await page.getByTestId('process-deadline').count(), 0);
});

test('the processes list shows the deadline of a process that has one', async () => {
  await page.goto(`${url}/#/processes`);
  await rowOf(timed).waitFor();
  const cell = rowOf(timed).getByTestId('deadline');
  assert.equal(await cell.getAttribute('title'), await clockOf(deadline));
  assert.match(await cell.textContent(), /^(just now|.+ ago)$/);  // it passed
  assert.equal(await rowOf(untimed).getByTestId('deadline').textContent(), '');
  await screenshot(page, 'deadline-list');
});

// Schedules in the web console (docs/operations.md "Schedules"), in real headless Chromium
// against a real pledge-server with API tokens: an operator creates a schedule through the form
// (its rule described as typed, a refused time zone shown), sees it listed with its rule in words
// and its next fire, triggers it and follows the link to the process it started, pauses and
// resumes it, reads its page, and deletes it; a viewer sees the schedules but no button and no
// form. The schedule starts Held#1.0, which nobody runs. Screenshots go to
// <build>/test-artifacts/console (schedules-*).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openPage, restClient, screenshot, signInAs, signOutOf, startServerWith, stopAllAfterTests,
  tokensOf,
} from './harness.mjs';

const tokens = tokensOf('operator', 'viewer');
let url;
let api;
let page;

before(async () => {
  url = await startServerWith(tokens);
  api = restClient(url, tokens.operator.secret);
  page = await openPage();
});

stopAllAfterTests();

const row = (id) => page.locator(`[data-testid="schedule-row"][data-id="${id}"]`);
const fill = async (field, value) => page.getByTestId(`schedule-${field}`).fill(value);

test('an operator creates a schedule through the form and sees it listed in words', async () => {
  await signInAs(page, url, tokens.operator);
  await page.getByRole('link', { name: 'Schedules' }).click();
  await page.getByText('No schedule yet.').waitFor();
  await fill('id', 'nightly-report');
  await fill('cron', '0 25 * * *');
  assert.match(await page.getByTestId('cron-preview').textContent(), /hours part must be >= 0 and <= 23/);
  await fill('cron', '0 2 * * 1-5');
  assert.equal(await page.getByTestId('cron-preview').textContent(), 'At 02:00, Monday through Friday');
  await fill('timeZone', 'Mars/Olympus');
  await fill('actor', 'Held#1.0');
  await fill('method', 'start');
  await fill('args', '["nightly", 3]');
  await fill('catchup', '1h');
  await page.getByTestId('schedule-overlap').selectOption('bufferOne');
  await page.getByTestId('create-schedule-button').click();
  const refused = page.getByTestId('create-schedule').getByRole('alert');
  await refused.waitFor();
  assert.match(await refused.textContent(), /Mars\/Olympus/);
  assert.equal(await page.getByTestId('schedule-row').count(), 0);

  await fill('timeZone', 'Europe/Berlin');
  await page.getByTestId('create-schedule-button').click();
  await page.getByTestId('schedule-created').waitFor();
  await row('nightly-report').waitFor();
  assert.equal(await row('nightly-report').getByTestId('schedule-description').textContent(),
    'At 02:00, Monday through Friday');
  assert.match(await row('nightly-report').textContent(), /Europe\/Berlin/);
  assert.match(await row('nightly-report').getByTestId('next-fire').textContent(), /^in \d/);
  assert.equal(await row('nightly-report').getByTestId('schedule-state').textContent(), 'active');
  assert.equal(await row('nightly-report').getByTestId('last-fire').textContent(), 'never');
  await screenshot(page, 'schedules-created');

  const stored = await api.get('/api/v1/schedules/nightly-report');
  assert.equal(stored.cron, '0 2 * * 1-5');
  assert.equal(stored.timeZone, 'Europe/Berlin');
  assert.equal(stored.overlap, 'bufferOne');
  assert.equal(stored.catchupWindowMs, 3600000);
  assert.deepEqual(stored.start, { actor: 'Held#1.0', method: 'start', args: ['nightly', 3] });
  assert.equal(typeof stored.nextFireAt, 'number');
});

test('Trigger starts its process and links to it, and the schedule page lists the fire', async () => {
  await row('nightly-report').getByTestId('schedule-trigger').click();
  const link = row('nightly-report').getByTestId('triggered-process');
  await link.waitFor();
  const processId = await link.textContent();
  await link.click();
  await page.getByTestId('graph').waitFor();
  assert.equal(new URL(page.url()).hash, `#/processes/${processId}`);
  assert.match(await page.locator('.summary').textContent(), /custom id schedule:nightly-report@trigger:\d+/);
  assert.equal((await api.get(`/api/v1/processes/${processId}`)).actor, 'Held#1.0');
  await screenshot(page, 'schedules-triggered-process');

  await page.goto(`${url}/#/schedules/nightly-report`);
  await page.getByTestId('schedule-definition').waitFor();
  assert.equal(await page.getByTestId('upcoming-fire').count(), 5);
  const fire = page.getByTestId('recent-fire').first();
  await fire.waitFor();
  assert.equal(await fire.getAttribute('data-skipped'), 'false');
  assert.equal(await fire.getByTestId('recent-process').textContent(), processId);
  await screenshot(page, 'schedules-detail');
  await fire.getByTestId('recent-process').click();
  await page.getByTestId('graph').waitFor();
  assert.equal(new URL(page.url()).hash, `#/processes/${processId}`);
});

test('Pause and Resume change its badge and what the server holds', async () => {
  await page.goto(`${url}/#/schedules`);
  await row('nightly-report').getByTestId('schedule-pause').click();
  await row('nightly-report').getByTestId('schedule-resume').waitFor();
  assert.equal(await row('nightly-report').getByTestId('schedule-state').textContent(), 'paused');
  assert.equal((await api.get('/api/v1/schedules/nightly-report')).paused, true);
  await screenshot(page, 'schedules-paused');

  await page.goto(`${url}/#/schedules/nightly-report`);
  await page.getByTestId('upcoming-paused').waitFor();
  await page.getByTestId('schedule-resume').click();
  await page.getByTestId('schedule-pause').waitFor();
  assert.equal(await page.locator('h1 [data-testid="schedule-state"]').textContent(), 'active');
  assert.equal((await api.get('/api/v1/schedules/nightly-report')).paused, false);
});

test('a viewer sees the schedules but no button and no form', async () => {
  await signOutOf(page);
  await signInAs(page, url, tokens.viewer);
  await page.goto(`${url}/#/schedules`);
  await row('nightly-report').waitFor();
  assert.equal(await row('nightly-report').getByTestId('schedule-description').textContent(),
    'At 02:00, Monday through Friday');
  assert.equal(await page.getByRole('button', { name: /Pause|Resume|Trigger|Delete|Create/ }).count(), 0);
  assert.equal(await page.getByTestId('create-schedule').count(), 0);
  await page.goto(`${url}/#/schedules/nightly-report`);
  await page.getByTestId('schedule-definition').waitFor();
  assert.equal(await page.getByRole('button', { name: /Pause|Resume|Trigger|Delete/ }).count(), 0);
  await screenshot(page, 'schedules-viewer');
});

test('Delete asks again, then the schedule is gone', async () => {
  await signOutOf(page);
  await signInAs(page, url, tokens.operator);
  await page.goto(`${url}/#/schedules/nightly-report`);
  await page.getByTestId('schedule-delete').click();
  await page.getByRole('button', { name: 'Keep it' }).click();
  assert.equal((await api.get('/api/v1/schedules')).items.length, 1);
  await page.getByTestId('schedule-delete').click();
  await page.getByTestId('schedule-delete-confirm').click();
  await page.getByText('No schedule yet.').waitFor();
  assert.equal(new URL(page.url()).hash, '#/schedules');
  assert.deepEqual((await api.get('/api/v1/schedules')).items, []);
});

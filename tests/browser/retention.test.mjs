// Retention in the web console (docs/operations.md "Retention"), in real headless Chromium
// against a real pledge-server started with --retention 1s and API tokens: the Metrics page shows
// the settings and what was deleted; an admin's "Run now" runs a pass and shows what it deleted;
// a viewer sees the settings but no button. Screenshots go to <build>/test-artifacts/console
// (retention-*).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openPage, restClient, screenshot, signInAs, signOutOf, startServerWith, stopAllAfterTests,
  tokensOf,
} from './harness.mjs';

const tokens = tokensOf('admin', 'viewer');
let url;
let api;
let page;

before(async () => {
  url = await startServerWith(tokens, ['--retention', '1s']);
  api = restClient(url, tokens.admin.secret);
  // One completed process, for retention to delete.
  const started = await api.start('Short#1', 'start', []);
  const polled = await api.post('/api/v1/tasks/poll', {
    worker: 'browser-test', actors: [{ actor: 'Short#1' }], max: 1, waitMs: 5000,
  });
  const task = polled.tasks[0];
  await api.post('/api/v1/tasks/release', {
    decisions: [{ taskId: task.taskId, attempt: task.attempt, result: 1 }],
  });
  assert.equal((await api.result(started.processId)).state, 'completed');
  page = await openPage();
});

stopAllAfterTests();

test('the Metrics page shows retention and an admin runs a pass from it', async () => {
  await signInAs(page, url, tokens.admin);
  await page.goto(`${url}/#/metrics`);
  await page.getByTestId('retention').waitFor();
  assert.match(await page.getByTestId('retention-setting').textContent(),
    /deleted\s+1\.0 s after they end/);
  await page.getByRole('button', { name: 'Run now' }).click();
  await page.getByTestId('retention-pass').waitFor();
  assert.match(await page.getByTestId('retention-pass').textContent(), /deleted \d+ processes/);
  // By that pass or one of the server's (a pass a second), the process is gone.
  await page.waitForFunction(() => /1 processes/.test(
    document.querySelector('[data-testid="retention-deleted"]')?.textContent ?? ''), null,
  { timeout: 20000 });
  assert.doesNotMatch(await page.getByTestId('retention-last-run').textContent(), /none yet/);
  await screenshot(page, 'retention-admin');
  await signOutOf(page);
});

test('a viewer sees the retention settings but no Run now button', async () => {
  await signInAs(page, url, tokens.viewer);
  await page.goto(`${url}/#/metrics`);
  await page.getByTestId('retention').waitFor();
  assert.equal(await page.getByTestId('retention-run').count(), 0);
  await signOutOf(page);
});

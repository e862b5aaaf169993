// Limits on the Queues page of the web console (docs/operations.md "Limits (per actor and task
// list)"), in real headless Chromium against a real pledge-server with API tokens: each queue's
// limit and the ready tasks it holds back, every limit in a table, an operator's form that sets
// one (and shows the server's refusal naming the field) and Clear buttons; a viewer sees the
// limits but neither. Screenshots go to <build>/test-artifacts/console (limits-*).
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

before(async () => {
  url = await startServerWith(tokens);
  api = restClient(url, tokens.admin.secret);
  // Slow#1.0 has no runner: the test holds one task, its limit holds the other four back.
  await api.put('/api/v1/limits', { actor: 'Slow#1.0', maxRunning: 1 });
  for (let i = 0; i < 5; ++i) await api.start('Slow#1.0', 'start', []);
  const polled = await api.post('/api/v1/tasks/poll', {
    worker: 'browser-test', actors: [{ actor: 'Slow#1.0' }], max: 5, waitMs: 0,
  });
  assert.equal(polled.tasks.length, 1, 'the limit hands out one task at once');
  page = await openPage();
});

stopAllAfterTests();

const slowRow = () => page.getByTestId('queues').locator('tr').filter({ hasText: 'Slow#1.0' });
const limitRow = (actor) => page.locator(`[data-testid="limit"][data-actor="${actor}"]`);

test('the Queues page shows each queue\'s limit, what it holds back, and every limit', async () => {
  await signInAs(page, url, tokens.operator);
  await page.goto(`${url}/#/queues`);
  await slowRow().getByTestId('queue-limit').waitFor();
  assert.match(await slowRow().getByTestId('queue-limit').textContent(), /1 at once/);
  assert.equal((await slowRow().getByTestId('queue-held').textContent()).trim(), '4');
  await limitRow('Slow#1.0').waitFor();
  assert.match(await limitRow('Slow#1.0').textContent(), /1 at once/);
  await screenshot(page, 'limits-queues');
});

test('an operator sets a limit with the form, sees a refusal naming the field, and clears it', async () => {
  await page.getByTestId('limit-actor').fill('Mailer#1.0');
  await page.getByTestId('limit-taskList').fill('bulk');
  await page.getByTestId('limit-maxRunning').fill('0');
  await page.getByTestId('limit-set').click();
  await page.getByTestId('limit-form').getByRole('alert').waitFor();
  assert.match(await page.getByTestId('limit-form').getByRole('alert').textContent(), /maxRunning/);

  await page.getByTestId('limit-maxRunning').fill('2');
  await page.getByTestId('limit-perSecond').fill('5');
  await page.getByTestId('limit-burst').fill('3');
  await page.getByTestId('limit-set').click();
  await limitRow('Mailer#1.0').waitFor();
  assert.match(await limitRow('Mailer#1.0').textContent(), /bulk.*2 at once, 5\/s burst 3/);
  const stored = (await api.get('/api/v1/limits')).find((l) => l.actor === 'Mailer#1.0');
  assert.deepEqual([stored.taskList, stored.maxRunning, stored.perSecond, stored.burst], ['bulk', 2, 5, 3]);
  await screenshot(page, 'limits-set');

  await limitRow('Mailer#1.0').getByTestId('limit-clear').click();
  await limitRow('Mailer#1.0').waitFor({ state: 'detached' });
  assert.equal((await api.get('/api/v1/limits')).some((l) => l.actor === 'Mailer#1.0'), false);
});

test('a viewer sees the limits but no form and no Clear button', async () => {
  await signOutOf(page);
  await signInAs(page, url, tokens.viewer);
  await page.goto(`${url}/#/queues`);
  await limitRow('Slow#1.0').waitFor();
  assert.equal(await page.getByTestId('limit-form').count(), 0);
  assert.equal(await page.getByTestId('limit-clear').count(), 0);
  await screenshot(page, 'limits-viewer');
});

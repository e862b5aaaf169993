// Events and timers in the web console (docs/events.md), in real headless Chromium against a real
// pledge-server with API tokens: event and timer tasks on the process page, the send-event form
// (for roles that may signal), and the kept events page. The waiting processes are made by hand:
// a decider task polled and released over REST with event and timer tasks. Screenshots go to
// <build>/test-artifacts/console (events-*).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  openPage, restClient, screenshot, signInAs, signOutOf, startDecided, startServerWith,
  stopAllAfterTests, tokensOf,
} from './harness.mjs';

const tokens = tokensOf('admin', 'starter', 'viewer');
let url;
let api;
let page;
let pizza;     // waits for pizzaReady "order-1" (10 min), its result
let approval;  // waits for the first of approved or rejected "exp-7", a timer, an event keyed by a pending task
const ids = { ready: randomUUID(), verdict: randomUUID(), timer: randomUUID(), orderId: randomUUID(), delivered: randomUUID() };

before(async () => {
  url = await startServerWith(tokens);
  api = restClient(url, tokens.admin.secret);
  pizza = await startDecided(api, 'Pizza#1.0', {
    promise: ids.ready,
    tasks: [{ taskId: ids.ready, actor: 'Pizza#1.0', method: 'pizzaReady', type: 'event',
      args: [{ value: 'order-1' }], options: { timeoutMs: 600000 } }],
  });
  approval = await startDecided(api, 'Expense#1.0', {
    promise: ids.verdict,
    tasks: [
      { taskId: ids.verdict, actor: 'Expense#1.0', method: 'approved', type: 'event',
        args: [{ value: 'exp-7' }, { value: ['rejected'] }], options: { timeoutMs: 86400000 } },
      { taskId: ids.timer, actor: 'Expense#1.0', method: 'after', type: 'timer', args: [], options: { timeoutMs: 3600000 } },
      { taskId: ids.orderId, actor: 'Orders#1.0', method: 'orderId', type: 'worker', args: [] },
      { taskId: ids.delivered, actor: 'Expense#1.0', method: 'delivered', type: 'event', args: [{ promise: ids.orderId }] },
    ],
  });
  // Nobody waits for it: kept.
  const kept = await api.post('/api/v1/events', { name: 'stockLow', key: 'sku-9', payload: { left: 2 } });
  assert.equal(kept.kept, true);
  page = await openPage();
});

stopAllAfterTests();

const signIn = (token) => signInAs(page, url, token);
const signOut = () => signOutOf(page);

const wait = (task) => page.locator(`[data-testid="wait"][data-task="${task}"]`);
const node = (task) => page.getByTestId('graph').locator(`[data-task="${task}"]`);

test('a listening event task shows its name, key, state and deadline in the graph and the list', async () => {
  await signIn(tokens.starter);
  await page.goto(`${url}/#/processes/${pizza}`);
  const event = node(ids.ready);
  await event.waitFor();
  assert.equal(await event.getAttribute('data-type'), 'event');
  assert.equal(await event.getAttribute('data-state'), 'listening');
  assert.match(await event.getAttribute('class'), /node-event/);
  const text = await event.textContent();
  assert.match(text, /✉ pizzaReady/);
  assert.match(text, /key order-1/);
  assert.match(text, /listening · \d+ min \d+ s left/);

  const row = wait(ids.ready);
  assert.equal(await row.getByTestId('wait-names').textContent(), 'pizzaReady');
  assert.equal(await row.getByTestId('wait-key').textContent(), 'order-1');
  assert.match(await row.textContent(), /listening\s*waiting for the event/);
  assert.match(await row.getByTestId('wait-when').textContent(), /times out at .* \(in (9|10) min/);

  await event.click();
  const panel = page.getByTestId('task-panel');
  assert.match(await panel.textContent(), /Waits forpizzaReady/);
  assert.match(await panel.textContent(), /Keyorder-1/);
  assert.match(await panel.textContent(), /Deadlinetimes out at/);

  // The form offers what the process waits for.
  assert.equal(await page.getByTestId('event-name').inputValue(), 'pizzaReady');
  assert.equal(await page.getByTestId('event-key').inputValue(), 'order-1');
  assert.equal(await page.getByTestId('event-choice').count(), 0);  // one choice: no select
  await screenshot(page, 'events-listening');
});

test('a payload that is not JSON is refused before sending, and a REST error is shown', async () => {
  await page.getByTestId('event-payload').fill('{ready: true');
  await page.getByTestId('send-event-button').click();
  const error = page.getByTestId('payload-error');
  await error.waitFor();
  assert.match(await error.textContent(), /The payload is not valid JSON/);
  assert.equal(await page.getByTestId('event-payload').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'events-bad-payload');
  const tasks = await api.get(`/api/v1/processes/${pizza}/tasks`);
  assert.equal(tasks.find((t) => t.taskId === ids.ready).state, 'listening');

  // The server refuses a key over 512 bytes: its message is shown, nothing changes.
  await page.getByTestId('event-payload').fill('');
  await page.getByTestId('event-key').fill('k'.repeat(600));
  await page.getByTestId('send-event-button').click();
  await page.getByRole('alert').getByText(/key: must be at most 512 bytes long/).waitFor();
  assert.equal(await page.getByTestId('payload-error').count(), 0);
  assert.equal((await api.get(`/api/v1/processes/${pizza}`)).state, 'running');
});

test('sending the event from the form resolves the task and completes the process', async () => {
  await page.getByTestId('event-key').fill('order-1');
  await page.getByTestId('event-payload').fill('{"ready": true, "oven": 3}');
  await page.getByTestId('event-id').fill('kitchen-1');
  await page.getByTestId('send-event-button').click();
  const answer = page.getByTestId('event-answer');
  await answer.waitFor();
  assert.equal(await answer.textContent(), 'Resolved 1 waiting task.');
  await page.locator('h1 .badge').getByText('completed', { exact: true }).waitFor();
  assert.match(await page.getByTestId('process-result').textContent(), /"oven": 3/);
  await page.locator(`[data-testid="wait"][data-task="${ids.ready}"][data-state="completed"]`).waitFor();
  assert.equal(await page.getByTestId('send-event').count(), 0);  // an ended process takes no events
  assert.equal(await answer.count(), 1);  // the answer stays
  await screenshot(page, 'events-sent');
  const done = await api.get(`/api/v1/processes/${pizza}`);
  assert.equal(done.state, 'completed');
  assert.deepEqual(done.result, { ready: true, oven: 3 });
});

test('several listening events are a choice; timers show when they fire; a pending key names its task', async () => {
  await page.goto(`${url}/#/processes/${approval}`);
  const choice = page.getByTestId('event-choice');
  await choice.waitFor();
  assert.equal(await page.getByTestId('event-answer').count(), 0);  // the other process's answer is gone
  assert.deepEqual(await choice.locator('option').allTextContents(), ['approved · key exp-7', 'rejected · key exp-7']);
  assert.equal(await page.getByTestId('event-name').inputValue(), 'approved');

  const verdict = node(ids.verdict);
  assert.match(await verdict.textContent(), /✉ approved \| rejected/);
  assert.equal(await wait(ids.verdict).getByTestId('wait-names').textContent(), 'approved or rejected');

  const timer = node(ids.timer);
  assert.equal(await timer.getAttribute('data-type'), 'timer');
  assert.match(await timer.textContent(), /◷ after.*fires \d/);
  assert.match(await wait(ids.timer).getByTestId('wait-when').textContent(), /fires at .* \(in (59|60) min/);

  const delivered = wait(ids.delivered);
  assert.equal(await delivered.getAttribute('data-state'), 'waiting');
  assert.match(await delivered.getByTestId('wait-key').textContent(), new RegExp(`^from orderId \\(${ids.orderId.slice(0, 8)}\\)$`));
  assert.match(await delivered.getByTestId('wait-when').textContent(), /listens once its key is known/);
  await screenshot(page, 'events-choice');

  await choice.selectOption({ label: 'rejected · key exp-7' });
  assert.equal(await page.getByTestId('event-name').inputValue(), 'rejected');
  assert.equal(await page.getByTestId('event-key').inputValue(), 'exp-7');
  await page.getByTestId('event-payload').fill('{"why": "too dear"}');
  await page.getByTestId('send-event-button').click();
  assert.equal(await page.getByTestId('event-answer').textContent(), 'Resolved 1 waiting task.');
  await page.locator(`[data-testid="wait"][data-task="${ids.verdict}"][data-state="completed"]`).waitFor();
  const tasks = await api.get(`/api/v1/processes/${approval}/tasks`);
  assert.deepEqual(tasks.find((t) => t.taskId === ids.verdict).result, { name: 'rejected', payload: { why: 'too dear' } });

  // Nothing listens for approved any more: the next one is kept for this process; sent again
  // with the same id, it is a duplicate.
  for (const said of [/^Kept: no task of this process waits for it now/, /^Duplicate: an event with id "late-1" came before; nothing changed/]) {
    await page.getByTestId('event-name').fill('approved');
    await page.getByTestId('event-key').fill('exp-7');
    await page.getByTestId('event-id').fill('late-1');
    await page.getByTestId('send-event-button').click();
    await page.getByTestId('event-answer').getByText(said).waitFor();
  }
  await signOut();
});

test('a viewer sees the waits but no send-event form, and reads the kept events', async () => {
  await signIn(tokens.viewer);
  const nav = await page.locator('header nav a').allTextContents();
  assert.deepEqual(nav, ['Queues', 'Processes', 'Broken', 'Actors', 'Workflows', 'Schedules', 'Events', 'Metrics', 'Cluster']);
  await page.goto(`${url}/#/processes/${approval}`);
  await wait(ids.timer).waitFor();
  await node(ids.delivered).waitFor();
  assert.equal(await page.getByTestId('send-event').count(), 0);
  assert.equal(await page.getByTestId('event-name').count(), 0);
  await screenshot(page, 'events-viewer-process');

  await page.goto(`${url}/#/events`);
  const table = page.getByTestId('events');
  await table.waitFor();
  const stock = table.locator('[data-testid="kept-event"][data-name="stockLow"]');
  await stock.waitFor();
  assert.match(await stock.textContent(), /sku-9/);
  assert.match(await stock.textContent(), /any process/);
  assert.match(await stock.textContent(), /"left":2/);
  const approved = table.locator('[data-testid="kept-event"][data-name="approved"]');
  assert.match(await approved.textContent(), new RegExp(`late-1.*${approval}`));
  await screenshot(page, 'events-kept');

  await page.getByLabel('Event name').fill('stockLow');
  await page.getByRole('button', { name: 'Filter' }).click();
  await approved.waitFor({ state: 'detached' });
  assert.equal(await table.locator('[data-testid="kept-event"]').count(), 1);
  await page.getByLabel('Event name').fill('nothingLikeThis');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('No event named nothingLikeThis is kept.').waitFor();
  await signOut();
});

test('a starter may send events but not read the kept events', async () => {
  await signIn(tokens.starter);
  assert.deepEqual(await page.locator('header nav a').allTextContents(), ['Processes']);
  await page.goto(`${url}/#/events`);
  await page.getByTestId('refused').getByText(/role \(starter\) may not read the kept events/).waitFor();
  await signOut();
});

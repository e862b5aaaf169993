// The web console in real headless Chromium against real pledge-server and pledge-bootstrap
// processes: what a person sees on each page. Screenshots go to <build>/test-artifacts/console.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  breakAProcess, openPage, restClient, screenshot, startBootstrap, startServer, stopAllAfterTests,
} from './harness.mjs';

let url;
let api;
let page;
const notifications = [];

before(async () => {
  url = await startServer();
  api = restClient(url);
  startBootstrap(url);
  for (let n = 1; n <= 12; ++n) notifications.push((await api.start('NotificationDecider#1.0', 'start', [`user-${n}`, 'hi'])).processId);
  for (const id of notifications) assert.equal((await api.result(id)).state, 'completed');
  page = await openPage();
});

stopAllAfterTests();

test('a server without tokens needs no sign-in: the header says it is open', async () => {
  await page.goto(`${url}/`);
  await page.getByTestId('open-server').waitFor();
  assert.equal(await page.getByTestId('sign-in').count(), 0);
  assert.equal(await page.getByTestId('sign-out').count(), 0);
  assert.equal(await page.locator('header nav a').count(), 9);
});

test('queues show every actor and task list that has worked', async () => {
  await page.goto(`${url}/#/queues`);
  const table = page.getByTestId('queues');
  await table.waitFor();
  for (const actor of ['NotificationDecider#1.0', 'UserProfileService#1.0', 'MailService#1.0', 'SMSService#1.0']) {
    await table.getByText(actor, { exact: true }).waitFor();
  }
  await page.getByText('Ready', { exact: false }).first().click();  // sorting by a column works
  await screenshot(page, 'queues');
});

test('processes can be listed, filtered and found by id', async () => {
  await page.goto(`${url}/#/processes`);
  const table = page.getByTestId('processes');
  await table.waitFor();
  assert.ok(await table.locator('tbody tr').count() >= 12);
  await page.getByTestId('state-filter').selectOption('completed');
  await page.waitForTimeout(300);
  const states = await table.locator('tbody .badge').allTextContents();
  assert.ok(states.length >= 12 && states.every((s) => s === 'completed'), states.join(','));
  await screenshot(page, 'processes');
  await page.getByTestId('search').fill(notifications[3]);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(`**/#/processes/${notifications[3]}`);
  await page.getByTestId('graph').waitFor();
});

test('a notification process is drawn as its graph with nodes, edges and a timeline', async () => {
  // user-4: e-mail delivery, so start -> get -> sendToTransport -> send, and blockOnFail.
  await page.goto(`${url}/#/processes/${notifications[3]}`);
  const graph = page.getByTestId('graph');
  await graph.waitFor();
  const methods = await graph.getByTestId('node').evaluateAll((nodes) => nodes.map((n) => n.dataset.method).sort());
  assert.deepEqual(methods, ['blockOnFail', 'get', 'send', 'sendToTransport', 'start']);
  const states = await graph.getByTestId('node').evaluateAll((nodes) => nodes.map((n) => n.dataset.state));
  assert.ok(states.every((s) => s === 'completed'), states.join(','));
  const edges = await graph.locator('path.edge').evaluateAll((paths) => paths.map((p) => p.dataset.kind));
  assert.equal(edges.filter((k) => k === 'wait').length, 2, `promise edges: ${edges}`);  // get->sendToTransport->blockOnFail
  assert.equal(edges.filter((k) => k === 'forward').length, 1, `forward edges: ${edges}`);  // send's result is sendToTransport's
  assert.equal(edges.filter((k) => k === 'created').length, 4, `created edges: ${edges}`);
  await graph.locator('[data-method="get"]').click();
  const panel = page.getByTestId('task-panel');
  await panel.waitFor();
  assert.match(await page.getByTestId('task-args').textContent(), /user-4/);
  assert.match(await page.getByTestId('task-result').textContent(), /user-4@example\.org/);
  assert.ok(await page.getByTestId('timeline').locator('rect.bar-run').count() >= 5);
  await screenshot(page, 'process-graph');
});

test('a broken process appears under Broken and leaves it after a restart', async () => {
  const broken = await breakAProcess(api);
  await page.goto(`${url}/#/broken`);
  const row = page.locator(`[data-testid="broken-process"][data-process="${broken}"]`);
  await row.waitFor();
  const group = page.getByTestId('broken-group').filter({ hasText: 'Crash#1.0' });
  assert.match(await group.textContent(), /Boom/);
  await screenshot(page, 'broken');
  await row.getByRole('button', { name: 'Restart' }).click();
  await row.waitFor({ state: 'detached' });
  assert.equal((await api.get(`/api/v1/processes/${broken}`)).state, 'running');
  await page.goto(`${url}/#/processes/${broken}`);
  await page.getByTestId('graph').waitFor();
  await screenshot(page, 'restarted-process');
});

test('blocking an actor shows on Actors and stops its queue until unblocked', async () => {
  await page.goto(`${url}/#/actors`);
  const mail = page.locator('[data-testid="actor"][data-actor="MailService#1.0"]');
  await mail.waitFor();
  await mail.getByTestId('toggle-block').click();
  await mail.getByText('blocked', { exact: true }).waitFor();
  // user-8 gets e-mail: its send task stays queued while MailService is blocked.
  const blocked = (await api.start('NotificationDecider#1.0', 'start', ['user-8', 'held'])).processId;
  let ready = 0;
  for (let i = 0; i < 100 && ready === 0; ++i) {
    await sleep(100);
    const queue = (await api.get('/api/v1/queues')).find((q) => q.actor === 'MailService#1.0');
    ready = queue ? queue.ready : 0;
  }
  assert.equal(ready, 1, 'the send task waits in the blocked queue');
  assert.equal((await api.result(blocked, 1000)).state, 'running');
  await page.reload();
  await mail.waitFor();
  assert.match(await mail.textContent(), /blocked/);
  await screenshot(page, 'actors-blocked');
  await mail.getByTestId('toggle-block').click();
  await mail.getByText('active', { exact: true }).waitFor();
  assert.equal((await api.result(blocked)).state, 'completed');
});

test('metrics are charted over time', async () => {
  await page.goto(`${url}/#/metrics`);
  for (const chart of ['chart-processes', 'chart-tasks', 'chart-queues']) {
    await page.getByTestId(chart).locator('canvas').waitFor();
  }
  await api.start('NotificationDecider#1.0', 'start', ['user-5', 'while charting']);
  await page.waitForTimeout(4500);  // two samples: the first rates
  await screenshot(page, 'metrics');
});

test('the cluster page lists this node and its partitions', async () => {
  await page.goto(`${url}/#/cluster`);
  const table = page.getByTestId('cluster');
  await table.waitFor();
  assert.match(await table.textContent(), /64/);
  await screenshot(page, 'cluster');
});

// Workflow definitions in the web console (docs/workflows.md), in real headless Chromium against a
// real pledge-server with API tokens: registering a definition from the form (and its refusal with
// the JSON pointer of the bad field), the list, the graph of a definition before anything runs
// (a SWITCH with its case labels, a FORK_JOIN's lanes to its JOIN, a DO_WHILE's box and loop edge,
// a SUB_WORKFLOW's link), starting a workflow from its page and following it to its process.
// INLINE tasks run in pledge-script, built beside pledge-server. Screenshots go to
// <build>/test-artifacts/console (workflows-*).
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

const simple = (ref, extra = {}) => ({ name: ref, taskReferenceName: ref, type: 'SIMPLE', ...extra });

// Every kind of branching the graph draws; nothing runs it.
const orders = {
  name: 'orders',
  version: 1,
  description: 'Checks an order, ships it in parallel, tracks it, tells the customer',
  inputParameters: ['amount'],
  tasks: [
    simple('check', { inputParameters: { amount: '${workflow.input.amount}' } }),
    {
      name: 'route', taskReferenceName: 'route', type: 'SWITCH', evaluatorType: 'value-param', expression: 'size',
      inputParameters: { size: '${check.output.size}' },
      decisionCases: {
        big: [{ name: 'approve', taskReferenceName: 'approve', type: 'HUMAN' }],
        small: [{ name: 'note', taskReferenceName: 'note', type: 'SET_VARIABLE', inputParameters: { small: true } }],
      },
      defaultCase: [{ name: 'reject', taskReferenceName: 'reject', type: 'TERMINATE',
        inputParameters: { terminationStatus: 'FAILED' } }],
    },
    {
      name: 'ship', taskReferenceName: 'ship', type: 'FORK_JOIN',
      forkTasks: [[simple('pack'), simple('label')], [simple('invoice')]],
    },
    { name: 'shipped', taskReferenceName: 'shipped', type: 'JOIN', joinOn: ['label', 'invoice'] },
    {
      name: 'poll', taskReferenceName: 'poll', type: 'DO_WHILE', loopCondition: "$.poll['iteration'] < 3",
      loopOver: [simple('track'), { name: 'pause', taskReferenceName: 'pause', type: 'WAIT', inputParameters: { duration: '10s' } }],
    },
    { name: 'tell', taskReferenceName: 'tell', type: 'SUB_WORKFLOW', subWorkflowParam: { name: 'notify', version: 1 } },
  ],
};
const ordersRefs = ['check', 'route', 'approve', 'note', 'reject', 'ship', 'pack', 'label', 'invoice', 'shipped',
  'poll', 'track', 'pause', 'tell'];

const notify = {
  name: 'notify', version: 1, description: 'Tells someone',
  tasks: [{ name: 'send', taskReferenceName: 'send', type: 'EVENT', sink: 'pledge:notified' }],
};

// System tasks only: it runs without any worker.
const doubler = {
  name: 'doubler',
  version: 1,
  description: 'Doubles a',
  inputParameters: ['a'],
  tasks: [
    { name: 'remember', taskReferenceName: 'remember', type: 'SET_VARIABLE', inputParameters: { seen: '${workflow.input.a}' } },
    { name: 'double', taskReferenceName: 'double', type: 'INLINE',
      inputParameters: { evaluatorType: 'javascript', expression: '$.a * 2', a: '${workflow.input.a}' } },
  ],
  outputParameters: { doubled: '${double.output.result}', seen: '${workflow.variables.seen}' },
};

before(async () => {
  url = await startServerWith(tokens);
  api = restClient(url, tokens.admin.secret);
  await api.post('/api/v1/workflows', notify);
  page = await openPage({ height: 1000 });
});

stopAllAfterTests();

const signIn = (token) => signInAs(page, url, token);
const signOut = () => signOutOf(page);

const graph = () => page.getByTestId('wf-graph');
const node = (ref) => graph().locator(`[data-testid="wf-node"][data-ref="${ref}"]`);
const row = (name, version) => page.locator(`[data-testid="workflow-row"][data-name="${name}"][data-version="${version}"]`);

async function register(definition) {
  await page.getByTestId('register-json').fill(typeof definition === 'string' ? definition : JSON.stringify(definition, null, 2));
  await page.getByTestId('register-button').click();
}

test('an admin registers a definition from the form and sees it listed', async () => {
  await signIn(tokens.admin);
  await page.getByRole('navigation').getByRole('link', { name: 'Workflows' }).click();
  await row('notify', 1).waitFor();
  await register(orders);
  const answer = page.getByTestId('register-answer');
  await answer.waitFor();
  assert.equal((await answer.textContent()).trim(), 'Registered orders version 1 (14 tasks).');
  const listed = row('orders', 1);
  await listed.waitFor();
  const cells = await listed.locator('td').allTextContents();
  assert.equal(cells[0], 'orders');
  assert.equal(cells[1], 'v1');
  assert.equal(cells[2], '14');
  assert.equal(cells[3], orders.description);
  assert.match(cells[4], /just now|ago/);
  // The same definition again changes nothing.
  await register(orders);
  await page.getByTestId('register-answer').getByText(/Already registered with this definition/).waitFor();
  assert.equal(await page.getByTestId('workflow-row').count(), 2);
  await screenshot(page, 'workflows-list');
});

test('a refused definition shows the server\'s message with the pointer of the bad field', async () => {
  const bad = structuredClone(doubler);
  bad.name = 'broken';
  bad.tasks[1].type = 'NOPE';
  await register(bad);
  const error = page.getByTestId('register-error');
  await error.waitFor();
  assert.equal(await error.getByTestId('error-pointer').textContent(), '/tasks/1/type');
  assert.match(await error.textContent(), /unknown task type "NOPE"/);
  assert.equal(await page.getByTestId('register-answer').count(), 0);
  await screenshot(page, 'workflows-refused');

  // Another definition under a registered name and version: 409, said as the server said it.
  await register({ ...orders, description: 'something else' });
  await page.getByTestId('register-error').getByText(/orders/).waitFor();
  assert.equal(await page.getByTestId('error-pointer').count(), 0);

  // Not JSON at all: said before anything is sent.
  await register('{"name": "x",');
  await page.getByTestId('register-error').getByText(/Not valid JSON/).waitFor();
  assert.equal((await api.get('/api/v1/workflows')).items.length, 2);
});

test('the graph of a definition: switch cases, fork lanes to the join, the loop box, the sub-workflow link', async () => {
  await row('orders', 1).getByRole('link', { name: 'orders' }).click();
  await graph().waitFor();
  assert.equal(await page.getByTestId('wf-version').textContent(), 'v1');
  // Every task once, in its shape, plus start, end and the loop's end.
  assert.deepEqual((await graph().locator('[data-testid="wf-node"][data-ref]').evaluateAll(
    (nodes) => nodes.map((n) => n.dataset.ref))).sort(), [...ordersRefs].sort());
  const types = await graph().locator('[data-testid="wf-node"]').evaluateAll((nodes) => nodes.map((n) => n.dataset.type));
  const count = (type) => types.filter((t) => t === type).length;
  assert.equal(count('SWITCH'), 1);
  assert.equal(count('FORK_JOIN'), 1);
  assert.equal(count('JOIN'), 1);
  assert.equal(count('DO_WHILE'), 1);
  assert.equal(count('LOOP_END'), 1);
  assert.equal(count('SUB_WORKFLOW'), 1);
  assert.equal(count('START'), 1);
  assert.equal(count('END'), 1);
  assert.equal(await node('route').locator('polygon').count(), 1);  // a diamond

  // One labelled edge per case, from the switch into that case's task.
  const cases = await graph().locator('[data-testid="wf-edge"][data-kind="case"]').evaluateAll(
    (edges) => edges.map((e) => `${e.dataset.from}>${e.dataset.to}`));
  assert.deepEqual(cases.sort(), ['/tasks/1>/tasks/1/decisionCases/big/0', '/tasks/1>/tasks/1/decisionCases/small/0',
    '/tasks/1>/tasks/1/defaultCase/0']);
  const labels = await graph().locator('[data-testid="wf-edge-label"][data-kind="case"] text').allTextContents();
  assert.deepEqual(labels.sort(), ['big', 'default', 'small']);
  // The cases meet again at the fork (the terminating default case does not go on).
  const intoFork = await graph().locator('[data-testid="wf-edge"][data-to="/tasks/2"]').evaluateAll(
    (edges) => edges.map((e) => e.dataset.from));
  assert.deepEqual(intoFork.sort(), ['/tasks/1/decisionCases/big/0', '/tasks/1/decisionCases/small/0']);

  // The fork's lanes side by side, both into the join.
  const box = async (ref) => node(ref).boundingBox();
  const [pack, label, invoice] = [await box('pack'), await box('label'), await box('invoice')];
  assert.ok(label.y > pack.y, 'a lane runs top to bottom');
  assert.ok(Math.abs(invoice.x - pack.x) >= pack.width, 'the lanes are side by side');
  const intoJoin = await graph().locator('[data-testid="wf-edge"][data-to="/tasks/3"]').evaluateAll(
    (edges) => edges.map((e) => e.dataset.from));
  assert.deepEqual(intoJoin.sort(), ['/tasks/2/forkTasks/0/1', '/tasks/2/forkTasks/1/0']);

  // The loop: a box around its head and body, an edge back labelled with the condition.
  const loop = await graph().locator('[data-testid="wf-loop"][data-ref="poll"]').boundingBox();
  for (const ref of ['poll', 'track', 'pause']) {
    const inner = await box(ref);
    assert.ok(inner.x >= loop.x && inner.y >= loop.y && inner.x + inner.width <= loop.x + loop.width
      && inner.y + inner.height <= loop.y + loop.height, `${ref} is inside the loop's box`);
  }
  for (const ref of ['check', 'shipped', 'tell']) {
    const outer = await box(ref);
    assert.ok(outer.y + outer.height <= loop.y || outer.y >= loop.y + loop.height, `${ref} is outside the loop's box`);
  }
  const back = graph().locator('[data-testid="wf-edge"][data-kind="loop"]');
  assert.equal(await back.count(), 1);
  assert.equal(await back.getAttribute('data-to'), '/tasks/4');
  assert.equal(await graph().locator('[data-testid="wf-edge-label"][data-kind="loop"] text').textContent(),
    "while $.poll['iteration'] < 3");

  // A click shows the task's JSON.
  await node('check').click();
  const panel = page.getByTestId('wf-task-panel');
  await panel.waitFor();
  assert.equal(await page.getByTestId('wf-task-pointer').textContent(), '/tasks/0');
  assert.deepEqual(JSON.parse(await page.getByTestId('wf-task-json').textContent()), orders.tasks[0]);
  assert.match(await node('check').getAttribute('class'), /selected/);
  await node('route').click();
  assert.equal(await page.getByTestId('wf-task-pointer').textContent(), '/tasks/1');
  assert.deepEqual(JSON.parse(await page.getByTestId('wf-task-json').textContent()).decisionCases, orders.tasks[1].decisionCases);

  // The definition as registered.
  await page.getByTestId('wf-definition').locator('summary').click();
  assert.deepEqual(JSON.parse(await page.getByTestId('wf-definition-json').textContent()), orders);
  await screenshot(page, 'workflows-graph');

  // The sub-workflow's node links to its page.
  const link = node('tell').getByTestId('wf-sub-link');
  assert.equal(await link.getAttribute('href'), '#/workflows/notify/1');
  await link.click();
  await page.getByRole('heading', { name: /Workflow notify/ }).waitFor();
  await graph().locator('[data-testid="wf-node"][data-ref="send"][data-type="EVENT"]').waitFor();
});

test('a workflow of system tasks is started from its page and completes', async () => {
  await page.goto(`${url}/#/workflows`);
  await register(doubler);
  await page.getByTestId('register-answer').getByRole('link', { name: 'doubler version 1' }).click();
  await node('double').waitFor();
  assert.equal(await node('double').getAttribute('data-type'), 'INLINE');
  const input = page.getByTestId('start-input');
  assert.deepEqual(JSON.parse(await input.inputValue()), { a: null });  // the input's names, to fill
  await input.fill('{"a": ');
  await page.getByTestId('start-button').click();
  await page.getByTestId('start-input-error').getByText(/not valid JSON/).waitFor();
  await input.fill('{"a": 21}');
  await page.getByTestId('start-button').click();
  const started = page.getByTestId('started-process');
  await started.waitFor();
  const id = (await started.textContent()).trim();
  // Listed under the workflow's latest processes.
  await page.getByTestId('wf-processes').getByRole('link', { name: id }).waitFor();
  await screenshot(page, 'workflows-started');

  assert.match(await page.getByTestId('start-answer').textContent(), new RegExp(`^Started process ${id}$`));
  await started.click();
  await page.locator('h1 .badge').getByText('completed', { exact: true }).waitFor({ timeout: 30000 });
  assert.deepEqual(JSON.parse(await page.getByTestId('process-result').textContent()), { doubled: 42, seen: 21 });
  const back = page.getByTestId('process-workflow');
  assert.equal(await back.getAttribute('href'), '#/workflows/doubler/1');
  assert.equal((await back.textContent()).trim(), 'workflow doubler v1: its definition');
  await screenshot(page, 'workflows-process');
  await back.click();
  await node('remember').waitFor();
  await signOut();
});

test('a viewer reads the workflows and their graphs but has no register or start form', async () => {
  await signIn(tokens.viewer);
  await page.goto(`${url}/#/workflows`);
  await row('orders', 1).waitFor();
  assert.equal(await page.getByTestId('register').count(), 0);
  await page.goto(`${url}/#/workflows/orders`);  // the latest version
  await node('route').waitFor();
  assert.equal(await page.getByTestId('wf-version').textContent(), 'v1');
  assert.equal(await page.getByTestId('start-workflow').count(), 0);
  await page.goto(`${url}/#/workflows/nothing/3`);
  await page.getByRole('alert').getByText(/no workflow "nothing" version 3 is registered/).waitFor();
  await signOut();
});

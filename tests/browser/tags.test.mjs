// Tags in the web console (docs/operations.md "Tags"), in real headless Chromium against a real
// pledge-server: chips on the process page and in the processes list, the tag filter (typed as
// KEY:VALUE, several at once, kept in the URL), and a click on a chip filtering by it. The
// processes are of Tagged#1.0, which nobody runs: they stay running. Screenshots go to
// <build>/test-artifacts/console (tags-*).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createToken, openPage, restClient, screenshot, signInAs, startServer, stopAllAfterTests,
  tokensConfig,
} from './harness.mjs';

const viewer = createToken('viewer', 'viewer-1');
const admin = createToken('admin', 'admin-1');
let url;
let page;
let prod;      // team:billing env:prod
let dev;       // team:billing env:dev
let untagged;  // no tags

const start = (api, tags) => api.post('/api/v1/processes',
  { actor: 'Tagged#1.0', method: 'start', tags });

before(async () => {
  url = await startServer([], { config: tokensConfig([viewer, admin]) });
  const api = restClient(url, admin.secret);
  prod = (await start(api, { team: 'billing', env: 'prod' })).processId;
  dev = (await start(api, { team: 'billing', env: 'dev' })).processId;
  untagged = (await start(api, undefined)).processId;
  page = await openPage();
  await signInAs(page, url, viewer);
});

stopAllAfterTests();

const rowOf = (id) => page.getByTestId('processes').locator('tbody tr')
  .filter({ has: page.locator(`a[href="#/processes/${id}"]`) });
const listed = async () => page.getByTestId('processes').locator('tbody tr').count();

test('the process page shows its tags as chips that link to the processes with that tag', async () => {
  await page.goto(`${url}/#/processes/${prod}`);
  const chips = page.getByTestId('process-tags').getByTestId('tag');
  await chips.first().waitFor();
  assert.deepEqual(await chips.allTextContents(), ['env: prod', 'team: billing']);
  await screenshot(page, 'tags-process');
  await page.goto(`${url}/#/processes/${untagged}`);
  await page.getByTestId('graph').waitFor();
  assert.equal(await page.getByTestId('process-tags').count(), 0);

  await page.goto(`${url}/#/processes/${dev}`);
  await page.getByTestId('process-tags').getByText('team: billing').click();
  await rowOf(prod).waitFor();
  assert.match(page.url(), /#\/processes\?tag=team%3Abilling$/);
  await rowOf(dev).waitFor();
  assert.equal(await listed(), 2);
});

test('the processes list shows chips and filters by several typed tags, kept in the URL', async () => {
  await page.goto(`${url}/#/processes`);
  await rowOf(untagged).waitFor();
  assert.deepEqual(await rowOf(prod).getByTestId('tag').allTextContents(), ['env: prod', 'team: billing']);
  assert.equal(await rowOf(untagged).getByTestId('tag').count(), 0);

  await page.getByTestId('tag-filter').fill('team:billing');
  await page.getByRole('button', { name: 'Add tag filter' }).click();
  await rowOf(untagged).waitFor({ state: 'detached' });
  assert.equal(await listed(), 2);
  await page.getByTestId('tag-filter').fill('env:prod');
  await page.getByRole('button', { name: 'Add tag filter' }).click();
  await rowOf(dev).waitFor({ state: 'detached' });
  assert.equal(await listed(), 1);
  const active = await page.getByTestId('tag-filter-chip').allTextContents();
  assert.deepEqual(active.map((text) => text.replace(/\s+/g, '')), ['team:billing×', 'env:prod×']);
  assert.match(page.url(), /tag=team%3Abilling&tag=env%3Aprod$/);
  await screenshot(page, 'tags-filtered');

  // The URL alone brings the filters back (a reload, a shared link).
  await page.reload();
  await rowOf(prod).waitFor();
  assert.equal(await listed(), 1);
  assert.equal(await page.getByTestId('tag-filter-chip').count(), 2);

  await page.getByRole('link', { name: 'remove env:prod' }).click();
  await rowOf(dev).waitFor();
  assert.equal(await listed(), 2);

  await page.getByTestId('tag-filter').fill('no colon');
  await page.getByRole('button', { name: 'Add tag filter' }).click();
  assert.match(await page.getByTestId('tag-error').textContent(), /is not KEY:VALUE/);
});

test('a click on a chip in the list adds its tag to the filters', async () => {
  await page.goto(`${url}/#/processes`);
  await rowOf(untagged).waitFor();
  await rowOf(dev).getByText('env: dev').click();
  await rowOf(prod).waitFor({ state: 'detached' });
  await rowOf(dev).waitFor();
  assert.equal(await listed(), 1);
  assert.match(page.url(), /#\/processes\?tag=env%3Adev$/);
});

// The memory budget in the web console (docs/operations.md "Memory budget"), in real headless
// Chromium against a real pledge-server started with --memory-budget-mb 1: after more processes
// were started than fit, the Metrics page shows the estimate against the budget and processes
// waiting for memory. Screenshot: <build>/test-artifacts/console/memory-budget.png.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openPage, restClient, screenshot, signInAs, startServerWith, stopAllAfterTests, tokensOf,
} from './harness.mjs';

const tokens = tokensOf('viewer', 'admin');
let url;
let page;

before(async () => {
  url = await startServerWith(tokens, ['--memory-budget-mb', '1']);
  const api = restClient(url, tokens.admin.secret);
  // About 450 start tasks fit in 1 MiB; nobody polls, so the rest wait.
  for (let i = 0; i < 700; ++i) await api.start('Short#1', 'start', []);
  page = await openPage();
});

stopAllAfterTests();

test('the Metrics page shows the estimate against the budget and who waits', async () => {
  await signInAs(page, url, tokens.viewer);
  await page.goto(`${url}/#/metrics`);
  await page.getByTestId('memory').waitFor();
  assert.match(await page.getByTestId('memory-budget').textContent(),
    /estimated \d+\.\d MiB of the 1\.0 MiB budget \(\d+%\)/);
  assert.ok(Number(await page.getByTestId('memory-waiting').textContent()) > 0);
  await screenshot(page, 'memory-budget');
});

// The console stays responsive with 100,000 processes in the store: every page uses paged
// queries, so the Processes page and paging through it take about as long as with ten.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, restClient, screenshot, startServer, stopAllAfterTests } from './harness.mjs';

const PROCESSES = 100000;
let url;
let browser;

before(async () => {
  url = await startServer();
  const api = restClient(url);
  // Load#1.0 has no worker: the processes stay running, as many real ones would.
  const batch = Array.from({ length: 1000 }, (_, i) => ({ actor: 'Load#1.0', method: 'start', args: [i] }));
  const inFlight = [];
  for (let i = 0; i < PROCESSES / 1000; ++i) {
    inFlight.push(api.post('/api/v1/processes/batch', { processes: batch }));
    if (inFlight.length === 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  browser = await openBrowser();
});

stopAllAfterTests();

test('processes page and paging stay fast with 100,000 processes', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const begin = Date.now();
  await page.goto(`${url}/#/processes`);
  await page.getByTestId('processes').locator('tbody tr').nth(49).waitFor();
  const firstPage = Date.now() - begin;
  const next = Date.now();
  await page.getByTestId('older').click();
  await page.getByText('page 2').waitFor();
  await page.getByTestId('processes').locator('tbody tr').nth(49).waitFor();
  const secondPage = Date.now() - next;
  const queues = Date.now();
  await page.goto(`${url}/#/queues`);
  await page.getByTestId('queues').getByText('Load#1.0').waitFor();
  const queuesPage = Date.now() - queues;
  console.log(`100,000 processes: processes page ${firstPage} ms, next page ${secondPage} ms, queues ${queuesPage} ms`);
  await screenshot(page, 'queues-100k');
  // Generous bounds: this checks that nothing scans the store, not how fast the machine is.
  assert.ok(firstPage < 10000 && secondPage < 10000 && queuesPage < 10000);
});

// The browser tests' world: a real pledge-server and pledge-bootstrap on loopback ports they pick,
// REST helpers, API tokens made by the server binary, and headless Debian Chromium driven by
// Playwright. Everything started is stopped by stopAll(), also when a test fails.
import { after } from 'node:test';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';

// playwright-core is installed with the console's libraries in the build tree; require() finds it
// through NODE_PATH (import does not look there).
const { chromium } = createRequire(import.meta.url)('playwright-core');

export const buildDir = process.env.PLEDGE_BUILD_DIR;
export const artifacts = join(buildDir, 'test-artifacts', 'console');
mkdirSync(artifacts, { recursive: true });

const children = [];
const folders = [];
let browser;  // opened by openBrowser(), closed by stopAll()

function launch(argv, log) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  child.stdout.on('data', (chunk) => { child.output += chunk; });
  child.stderr.on('data', (chunk) => { child.output += chunk; });
  child.log = log;
  children.push(child);
  return child;
}

const serverBinary = () => join(buildDir, 'server/pledge-server');

// Starts pledge-server; config: the text of a config file (YAML, e.g. tokensConfig(...)) it reads
// with --config. Resolves to its URL.
export async function startServer(extraArgs = [], { config } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pledge-browser-'));
  folders.push(dir);
  const portFile = join(dir, 'port');
  const configArgs = [];
  if (config !== undefined) {
    writeFileSync(join(dir, 'server.yaml'), config);
    configArgs.push('--config', join(dir, 'server.yaml'));
  }
  const server = launch([serverBinary(), '--port', '0', '--address', '127.0.0.1',
    '--port-file', portFile, '--data-dir', join(dir, 'data'), '--log-level', 'warn', ...configArgs, ...extraArgs], 'server');
  // The server creates the file, then writes the port: wait for a number, not for the file.
  let port = 0;
  for (let i = 0; i < 600 && !port; ++i) {
    if (existsSync(portFile)) port = Number(readFileSync(portFile, 'utf8').trim());
    if (!port) await sleep(20);
  }
  if (!port) throw new Error(`pledge-server did not start:\n${server.output}`);
  return `http://127.0.0.1:${port}`;
}

// A new API token made as an admin would: `pledge-server token create`. Returns {name, role,
// secret, entry}: entry is the YAML the command prints to add under tokens:.
export function createToken(role, name) {
  const output = execFileSync(serverBinary(), ['token', 'create', '--role', role, '--name', name], { encoding: 'utf8' });
  const lines = output.split('\n');
  const secret = (lines.find((line) => line.startsWith('  pledge_')) || '').trim();
  const entry = lines.slice(lines.findIndex((line) => line.includes('under tokens:')) + 1)
    .filter((line) => line.startsWith('  '));
  if (secret.length !== 50 || entry.length === 0) throw new Error(`unexpected output of token create:\n${output}`);
  return { name, role, secret, entry: entry.join('\n') };
}

// A server config that lists these tokens (from createToken).
export function tokensConfig(tokens) {
  return `tokens:\n${tokens.map((token) => `${token.entry}\n`).join('')}`;
}

// A token per role, each named <role>-1: tokensOf('admin', 'viewer') -> {admin, viewer}.
export function tokensOf(...roles) {
  return Object.fromEntries(roles.map((role) => [role, createToken(role, `${role}-1`)]));
}

// startServer with these tokens (tokensOf's map) in its config.
export function startServerWith(tokens, extraArgs = []) {
  return startServer(extraArgs, { config: tokensConfig(Object.values(tokens)) });
}

export function startBootstrap(url, actorsYaml = 'examples/notification/actors.yaml') {
  return launch([join(buildDir, 'bootstrap/pledge-bootstrap'), '-f', join(buildDir, actorsYaml), '--server', url], 'bootstrap');
}

export async function stopAll() {
  if (browser) await browser.close();
  browser = undefined;
  for (const child of children.reverse()) {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      for (let i = 0; i < 200 && child.exitCode === null; ++i) await sleep(25);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
}

export function logs() {
  return children.map((child) => `---- ${child.log}\n${child.output}`).join('\n');
}

// REST API calls (throwing on HTTP errors), with a token's secret when given.
export function restClient(url, token) {
  const headers = { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  const call = async (method, path, body) => {
    const response = await fetch(url + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} -> ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
    del: (path) => call('DELETE', path),
    start: (actor, method, args) => call('POST', '/api/v1/processes', { actor, method, args }),
    result: (id, waitMs = 30000) => call('GET', `/api/v1/processes/${id}/result?waitMs=${waitMs}`),
  };
}

// Makes a broken process by hand: a process of Crash#1.0 (nobody runs it) whose start task the
// test fails with an error nothing accepts.
export async function breakAProcess(api, type = 'Boom') {
  const started = await api.start('Crash#1.0', 'start', []);
  const polled = await api.post('/api/v1/tasks/poll', { worker: 'browser-test', actors: [{ actor: 'Crash#1.0' }], max: 1, waitMs: 5000 });
  const task = polled.tasks[0];
  await api.post('/api/v1/tasks/release', { decisions: [{ taskId: task.taskId, attempt: task.attempt, error: { type, message: 'bad input' } }] });
  return started.processId;
}

// Starts a process of actor (nobody runs it) and releases its decider task as decided:
// {promise, tasks} (TaskSpecs: event and timer tasks, worker tasks nobody polls). Resolves to the
// process id.
export async function startDecided(api, actor, { promise, tasks }) {
  const started = await api.start(actor, 'start', []);
  const polled = await api.post('/api/v1/tasks/poll', { worker: 'browser-test', actors: [{ actor }], max: 1, waitMs: 5000 });
  const task = polled.tasks[0];
  if (!task || task.processId !== started.processId) throw new Error(`no decider task of ${started.processId}: ${JSON.stringify(polled)}`);
  const answer = await api.post('/api/v1/tasks/release', { decisions: [{ taskId: task.taskId, attempt: task.attempt, promise, tasks }] });
  if (answer.results[0].status !== 'accepted') throw new Error(`decision not accepted: ${JSON.stringify(answer)}`);
  return started.processId;
}

// Debian's Chromium, headless, with a fresh empty profile (Playwright makes one per launch) and
// without the background traffic this closed network would refuse. One per test file: launched
// at the first call, closed by stopAll().
export async function openBrowser() {
  browser ??= await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return browser;
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

// A page of the browser (openBrowser's) at the tests' size; errors in the page are printed.
export async function openPage({ height = 900 } = {}) {
  const page = await (await openBrowser()).newPage({ viewport: { width: 1440, height } });
  page.on('pageerror', (error) => console.error('page error:', error));
  return page;
}

// Prints the logs of what was started when the test process ends with a failure.
export function printLogsOnFailure() {
  process.on('exit', (code) => {
    if (code !== 0) console.error(logs());
  });
}

// The end of every test file: after its tests, the browser, servers and runners are stopped and
// their folders removed; on a failure, their logs are printed.
export function stopAllAfterTests() {
  after(stopAll);
  printLogsOnFailure();
}

// Signs in on the console at url with an API token made by createToken, and out again.
export async function signInAs(page, url, token) {
  await page.goto(`${url}/`);
  await page.getByTestId('sign-in').waitFor();
  await page.getByTestId('token').fill(token.secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('account').getByText(`${token.name} · ${token.role}`).waitFor();
}

export async function signOutOf(page) {
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in').waitFor();
}

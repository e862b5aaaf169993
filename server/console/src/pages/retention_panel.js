// Retention on the Metrics page (docs/operations.md "Retention"): this node's settings and what
// it deleted (GET /api/v1/retention), and for admins a "Run now" button (POST
// /api/v1/retention/run) that shows what the pass deleted.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ago, duration } from '../format.js';
import { may, useSession } from '../session.js';
import { ErrorBanner, html, usePolling } from '../ui.js';

// "30 days" for whole days, else as duration() writes it.
function age(ms) {
  const day = 86400000;
  return ms >= day && ms % day === 0 ? `${ms / day} day${ms === day ? '' : 's'}` : duration(ms);
}

const OFF = 'Off: ended processes are kept forever '
  + '(pledge-server --retention 30d deletes them 30 days after they end).';

function setting(data) {
  return `Ended processes (completed, aborted) are deleted ${age(data.maxAgeMs)} after they end: `
    + `a pass every ${duration(data.intervalMs)}, ${data.batch} per transaction; `
    + (data.archiveDir ? `each is archived first to ${data.archiveDir}.` : 'without an archive.');
}

export function RetentionPanel() {
  const session = useSession();
  const { data, error, reload } = usePolling(() => api('/api/v1/retention'), 5000);
  const [running, setRunning] = useState(false);
  const [pass, setPass] = useState(null);
  const [runError, setRunError] = useState(null);
  const run = async () => {
    setRunning(true);
    setRunError(null);
    try {
      setPass(await api('/api/v1/retention/run', { method: 'POST' }));
      reload();
    } catch (failure) {
      setRunError(failure);
    } finally {
      setRunning(false);
    }
  };
  if (!data) {
    return html`<${ErrorBanner} error=${error} what="read the retention settings" />`;
  }
  const on = data.maxAgeMs !== null;
  return html`<div class="retention" data-testid="retention">
    <h2>Retention</h2>
    <${ErrorBanner} error=${runError} what="run a retention pass" />
    <p data-testid="retention-setting">${on ? setting(data) : OFF}</p>
    <table class="grid"><tbody>
      <tr><td>Deleted</td><td data-testid="retention-deleted">${
        `${data.deletedProcesses} processes, ${data.deletedTasks} tasks`}</td></tr>
      <tr><td>Archived</td><td>${data.archivedBytes} bytes</td></tr>
      <tr><td>Last pass</td><td data-testid="retention-last-run">${
        data.lastRunAt ? ago(data.lastRunAt) : 'none yet'}${data.lastError
        ? html` <span class="error-text">failed: ${data.lastError}</span>` : null}</td></tr>
      <tr><td>Oldest ended process</td><td>${
        data.oldestEndedAt ? `ended ${ago(data.oldestEndedAt)}` : 'none'}</td></tr>
    </tbody></table>
    ${on && may(session, 'admin') ? html`<div class="actions">
      <button data-testid="retention-run" disabled=${running} onClick=${run}>${
        running ? 'Running…' : 'Run now'}</button>
      ${pass ? html`<span data-testid="retention-pass">${
        `deleted ${pass.deletedProcesses} processes (${pass.deletedTasks} tasks)`}</span>` : null}
    </div>` : null}
  </div>`;
}

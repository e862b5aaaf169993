// Queues: live tasks per actor and task list with the limit that binds each and how many of its
// ready tasks that limit holds back, refreshed every two seconds; below, every limit, and for
// operators a form that sets one and a Clear button on each (docs/operations.md, "Limits").
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { duration } from '../format.js';
import { may, useSession } from '../session.js';
import { Empty, ErrorBanner, Loading, SortableTable, html, usePolling } from '../ui.js';

// "10 at once, 5/s burst 10", as the CLI writes it.
export function limitText(limit) {
  const parts = [];
  if (limit.maxRunning != null) parts.push(`${limit.maxRunning} at once`);
  if (limit.perSecond != null) parts.push(`${limit.perSecond}/s${limit.burst != null ? ` burst ${limit.burst}` : ''}`);
  return parts.join(', ');
}

const listName = (taskList) => taskList || html`<span class="muted">all</span>`;

const columns = [
  { key: 'actor', label: 'Actor' },
  { key: 'taskList', label: 'Task list', render: (q) => q.taskList || html`<span class="muted">default</span>` },
  { key: 'ready', label: 'Ready', numeric: true },
  { key: 'running', label: 'Running', numeric: true },
  { key: 'waiting', label: 'Waiting', numeric: true },
  { key: 'oldestReadyMs', label: 'Oldest ready', numeric: true, render: (q) => duration(q.oldestReadyMs) },
  {
    key: 'limit', label: 'Limit', value: (q) => (q.limit ? limitText(q.limit) : null),
    render: (q) => (q.limit ? html`<span data-testid="queue-limit">${limitText(q.limit)}${q.limit.taskList ? '' : html` <span class="muted">(actor: ${q.limit.running} running)</span>`}</span>` : ''),
  },
  { key: 'held', label: 'Held', numeric: true, render: (q) => (q.held ? html`<span class="badge state-blocked" data-testid="queue-held">${q.held}</span>` : '') },
];

// Optional number fields of the form: empty leaves the bound unset.
function numberOrNull(text) {
  return text.trim() === '' ? null : Number(text);
}

function LimitForm({ onDone }) {
  const [fields, setFields] = useState({ actor: '', taskList: '', maxRunning: '', perSecond: '', burst: '' });
  const [error, setError] = useState(null);
  const set = (key) => (e) => setFields({ ...fields, [key]: e.target.value });
  const submit = async (event) => {
    event.preventDefault();
    const body = { actor: fields.actor.trim(), taskList: fields.taskList.trim() };
    for (const key of ['maxRunning', 'perSecond', 'burst']) {
      const value = numberOrNull(fields[key]);
      if (value !== null) body[key] = value;
    }
    try {
      setError(null);
      await api('/api/v1/limits', { method: 'PUT', body });
      onDone();
    } catch (failure) {
      setError(failure);
    }
  };
  const field = (key, label, placeholder) => html`<label for=${`limit-${key}`}>${label}</label>
    <input id=${`limit-${key}`} data-testid=${`limit-${key}`} placeholder=${placeholder} value=${fields[key]} onInput=${set(key)} />`;
  return html`<form class="wf-form" data-testid="limit-form" onSubmit=${submit}>
    <h3>Set a limit</h3>
    ${field('actor', 'Actor', 'Mailer#1.0')}
    ${field('taskList', 'Task list (empty: all of the actor)', '')}
    ${field('maxRunning', 'Max running at once', 'e.g. 10')}
    ${field('perSecond', 'Starts per second', 'e.g. 5')}
    ${field('burst', 'Burst (needs starts per second)', 'e.g. 10')}
    <${ErrorBanner} error=${error} what="set the limit" />
    <button type="submit" data-testid="limit-set">Set limit</button>
  </form>`;
}

function LimitsTable({ limits, operate, onClear }) {
  if (limits.length === 0) return html`<${Empty}>No limits: every actor's tasks are handed out as fast as they are polled.<//>`;
  return html`<table class="grid" data-testid="limits">
    <thead><tr><th>Actor</th><th>Task list</th><th>Limit</th><th class="num">Running</th>
      <th class="num">Held polls</th>${operate ? html`<th></th>` : null}</tr></thead>
    <tbody>${limits.map((limit) => html`<tr key=${`${limit.actor}/${limit.taskList}`} data-testid="limit" data-actor=${limit.actor} data-task-list=${limit.taskList}>
      <td><b>${limit.actor}</b></td><td>${listName(limit.taskList)}</td><td>${limitText(limit)}</td>
      <td class="num">${limit.running}</td><td class="num">${limit.heldTotal}</td>
      ${operate ? html`<td><button data-testid="limit-clear" onClick=${() => onClear(limit)}>Clear</button></td>` : null}
    </tr>`)}</tbody></table>`;
}

export function Queues() {
  const operate = may(useSession(), 'operate');
  const { data, error, reload } = usePolling(() => api('/api/v1/queues'), 2000);
  const limits = usePolling(() => api('/api/v1/limits'), 2000);
  const [clearError, setClearError] = useState(null);
  const changed = () => {
    reload();
    limits.reload();
  };
  const clear = async (limit) => {
    try {
      setClearError(null);
      const query = `actor=${encodeURIComponent(limit.actor)}&taskList=${encodeURIComponent(limit.taskList)}`;
      await api(`/api/v1/limits?${query}`, { method: 'DELETE' });
      changed();
    } catch (failure) {
      setClearError(failure);
    }
  };
  return html`<section>
    <h1>Queues <span class="hint">refreshes every 2 s</span></h1>
    <${ErrorBanner} error=${error} what="read the queues" />
    ${data === null ? (error ? null : html`<${Loading} />`)
      : data.length === 0 ? html`<${Empty}>No queues yet: no task is waiting and no worker has polled.<//>`
      : html`<${SortableTable} testId="queues" columns=${columns} rows=${data}
          rowKey=${(q) => `${q.actor}/${q.taskList}`} initial=${{ key: 'actor', dir: 1 }} />`}
    <h2>Limits <span class="hint">tasks handed out at once and per second, per actor or task list, over all nodes</span></h2>
    <${ErrorBanner} error=${limits.error} what="read the limits" />
    <${ErrorBanner} error=${clearError} what="clear the limit" />
    ${limits.data === null ? (limits.error ? null : html`<${Loading} />`)
      : html`<${LimitsTable} limits=${limits.data} operate=${operate} onClear=${clear} />`}
    ${operate ? html`<${LimitForm} onDone=${changed} />` : null}
  </section>`;
}

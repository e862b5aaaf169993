// Queues: live tasks per actor and task list, refreshed every two seconds.
import { api } from '../api.js';
import { duration } from '../format.js';
import { Empty, ErrorBanner, Loading, SortableTable, html, usePolling } from '../ui.js';

const columns = [
  { key: 'actor', label: 'Actor' },
  { key: 'taskList', label: 'Task list', render: (q) => q.taskList || html`<span class="muted">default</span>` },
  { key: 'ready', label: 'Ready', numeric: true },
  { key: 'running', label: 'Running', numeric: true },
  { key: 'waiting', label: 'Waiting', numeric: true },
  { key: 'oldestReadyMs', label: 'Oldest ready', numeric: true, render: (q) => duration(q.oldestReadyMs) },
];

export function Queues() {
  const { data, error } = usePolling(() => api('/api/v1/queues'), 2000);
  return html`<section>
    <h1>Queues <span class="hint">refreshes every 2 s</span></h1>
    <${ErrorBanner} error=${error} what="read the queues" />
    ${data === null ? (error ? null : html`<${Loading} />`)
      : data.length === 0 ? html`<${Empty}>No queues yet: no task is waiting and no worker has polled.<//>`
      : html`<${SortableTable} testId="queues" columns=${columns} rows=${data}
          rowKey=${(q) => `${q.actor}/${q.taskList}`} initial=${{ key: 'actor', dir: 1 }} />`}
  </section>`;
}

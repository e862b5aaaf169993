// Process detail: its state, the graph of its tasks (click a node for its details), the timeline
// of task runs, restart and abort. Refreshes every second while it runs.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ago, clock, duration, json } from '../format.js';
import { ProcessGraph } from '../graph.js';
import { may, useSession } from '../session.js';
import { Timeline } from '../timeline.js';
import { ErrorBanner, Loading, StateBadge, html, usePolling } from '../ui.js';

function TaskPanel({ task }) {
  if (!task) return html`<aside class="panel muted">Click a task in the graph for its arguments, result, attempts and times.</aside>`;
  const row = (label, value) => html`<tr><th>${label}</th><td>${value}</td></tr>`;
  return html`<aside class="panel" data-testid="task-panel">
    <h3>${task.method} <${StateBadge} state=${task.state} /></h3>
    <table class="facts">
      ${row('Task', html`<span class="mono">${task.taskId}</span>`)}
      ${row('Actor', `${task.actor} (${task.type}${task.start ? ', start task' : ''})`)}
      ${row('Promise', task.promise)}
      ${row('Attempts', task.attempts)}
      ${task.taskList ? row('Task list', task.taskList) : null}
      ${task.priority ? row('Priority', task.priority) : null}
      ${row('Created', clock(task.createdAt))}
      ${task.readyAt ? row('Ready', clock(task.readyAt)) : null}
      ${task.startedAt ? row('Started', clock(task.startedAt)) : null}
      ${task.endedAt ? row('Ended', clock(task.endedAt)) : null}
      ${task.notBefore ? row('Not before', clock(task.notBefore)) : null}
      ${task.retry ? row('Retry', `${task.retry.policy}, ${task.retry.maxAttempts || '∞'} attempts`) : null}
    </table>
    <h4>Arguments</h4><pre data-testid="task-args">${json(task.args)}</pre>
    ${task.error ? html`<h4>Error</h4><pre class="error-text" data-testid="task-error">${task.error.type}: ${task.error.message}</pre>` : null}
    ${task.forwardTo ? html`<p>Its result is the result of task <span class="mono">${task.forwardTo.slice(0, 8)}</span>.</p>` : null}
    ${task.state === 'completed' ? html`<h4>Result</h4><pre data-testid="task-result">${json(task.result)}</pre>` : null}
  </aside>`;
}

export function ProcessDetail({ id }) {
  const [selected, setSelected] = useState(null);
  const [actionError, setActionError] = useState(null);
  const operate = may(useSession(), 'operate');
  const { data, error, reload } = usePolling(async () => {
    const [process, tasks] = await Promise.all([api(`/api/v1/processes/${id}`), api(`/api/v1/processes/${id}/tasks`)]);
    return { process, tasks };
  }, 1000, [id]);
  if (!data) return html`<section><${ErrorBanner} error=${error} what="read processes" />${error ? null : html`<${Loading} />`}</section>`;
  const { process, tasks } = data;
  const act = async (action) => {
    try {
      setActionError(null);
      await api(`/api/v1/processes/${id}/${action}`, { method: 'POST' });
      reload();
    } catch (failure) {
      setActionError(failure);
    }
  };
  const now = Date.now();
  const failed = process.failedTaskId && tasks.find((t) => t.taskId === process.failedTaskId);
  return html`<section>
    <h1>Process <span class="mono">${process.processId}</span> <${StateBadge} state=${process.state} /></h1>
    <${ErrorBanner} error=${error} what="read processes" />
    <${ErrorBanner} error=${actionError} what="restart or abort processes" />
    <div class="summary">
      <div><b>${process.actor}</b>.${process.method}</div>
      ${process.customId ? html`<div>custom id <b>${process.customId}</b></div>` : null}
      <div>started ${ago(process.startedAt, now)}</div>
      ${process.endedAt ? html`<div>took ${duration(process.endedAt - process.startedAt)}</div>` : null}
      <div>${tasks.length} tasks</div>
      ${operate ? html`<div class="actions">
        <button data-testid="restart" disabled=${process.state !== 'broken'} onClick=${() => act('restart')}>Restart</button>
        <button data-testid="abort" class="danger" disabled=${process.state !== 'running' && process.state !== 'broken'}
          onClick=${() => act('abort')}>Abort</button>
      </div>` : null}
    </div>
    ${process.state === 'completed' ? html`<div class="result">Result <pre data-testid="process-result">${json(process.result)}</pre></div>` : null}
    ${process.error ? html`<div class="banner error" data-testid="process-error">${process.error.type}: ${process.error.message}
      ${failed ? html` — task <a href="javascript:void 0" onClick=${() => setSelected(failed.taskId)}>${failed.method}</a>` : null}</div>` : null}
    <div class="legend">
      <span class="swatch state-completed"></span>completed <span class="swatch state-running"></span>running
      <span class="swatch state-ready"></span>ready <span class="swatch state-waiting"></span>waiting
      <span class="swatch state-failed"></span>failed · ▭ worker ◯ decider ▶ start ·
      <span class="line wait"></span>waits for <span class="line nowait"></span>no wait
      <span class="line forward"></span>result of <span class="line created"></span>created by
    </div>
    <div class="detail">
      <div class="graph-scroll"><${ProcessGraph} tasks=${tasks} selected=${selected} onSelect=${setSelected} /></div>
      <${TaskPanel} task=${tasks.find((t) => t.taskId === selected)} />
    </div>
    <h2>Timeline</h2>
    <div class="graph-scroll"><${Timeline} tasks=${tasks} now=${now} onSelect=${setSelected} /></div>
  </section>`;
}

// Process detail: its state, the graph of its tasks (click a node for its details), what it waits
// for (event and timer tasks) with a form that sends an event to it, the timeline of task runs,
// pause and resume, restart and abort. Refreshes every second while it runs.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ago, clock, duration, json } from '../format.js';
import { ProcessGraph } from '../graph.js';
import { may, useSession } from '../session.js';
import { Timeline } from '../timeline.js';
import { workflowHref, workflowOfActor } from '../workflow_graph.js';
import { ErrorBanner, Loading, StateBadge, TagChips, html, usePolling } from '../ui.js';
import {
  eventKey, eventNames, isEvent, isTimer, isWait, keyText, listeningChoices, waitLong,
} from '../waits.js';

// The event and timer tasks of a process: what each waits for, its key, its state and deadline.
function Waits({ tasks, now, onSelect }) {
  const waits = tasks.filter(isWait);
  if (waits.length === 0) return null;
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  return html`<table class="grid waits" data-testid="waits">
    <thead><tr><th>Waits for</th><th>Key</th><th>State</th><th>When</th><th>Payload</th></tr></thead>
    <tbody>${waits.map((task) => html`<tr key=${task.taskId} data-testid="wait" data-task=${task.taskId}
        data-type=${task.type} data-state=${task.state}>
      <td>${isEvent(task)
        ? html`<span class="wait-kind" role="img" aria-label="event">✉</span> <a href="javascript:void 0" onClick=${() => onSelect(task.taskId)}
            data-testid="wait-names">${eventNames(task).join(' or ')}</a>`
        : html`<span class="wait-kind" role="img" aria-label="timer">◷</span> <a href="javascript:void 0" onClick=${() => onSelect(task.taskId)}>timer</a>`}</td>
      <td class="mono" data-testid="wait-key">${isEvent(task) ? keyText(eventKey(task, byId)) : ''}</td>
      <td><${StateBadge} state=${task.state} />${task.state === 'listening' ? html` <span class="hint">waiting for the event</span>` : null}</td>
      <td data-testid="wait-when">${waitLong(task, now)}</td>
      <td class="mono">${isEvent(task) && task.state === 'completed' ? json(task.result, 0) : ''}</td>
    </tr>`)}</tbody>
  </table>`;
}

// What POST /api/v1/processes/{id}/events answered, in words.
function answerText(answer) {
  const tasks = (n) => `${n} waiting task${n === 1 ? '' : 's'}`;
  if (answer.duplicate) return `Duplicate: an event with id "${answer.id}" came before; nothing changed (it resolved ${tasks(answer.resolved)}${answer.kept ? ', kept' : ''}).`;
  if (answer.resolved > 0) return `Resolved ${tasks(answer.resolved)}.`;
  if (answer.kept) return 'Kept: no task of this process waits for it now; the first one that listens for it will take it.';
  return 'No task of this process waits for it, and it was not kept.';
}

// Sends an event to this process: name and key prefilled from a listening task (a choice of them
// when several listen), a JSON payload checked before it is sent, an optional id.
// Once the process ended only the last answer stays.
function SendEvent({ processId, tasks, ended, onSent }) {
  const choices = listeningChoices(tasks);
  const [form, setForm] = useState({ name: '', key: '', payload: '', id: '' });
  const [edited, setEdited] = useState(false);  // then the refreshes no longer prefill
  const [payloadError, setPayloadError] = useState(null);
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const signature = choices.map((c) => `${c.taskId}:${c.name}:${c.key}`).join('\n');
  useEffect(() => {
    if (!edited && choices.length > 0) setForm((f) => ({ ...f, name: choices[0].name, key: choices[0].key }));
  }, [signature, edited]);
  const choice = choices.findIndex((c) => c.name === form.name && c.key === form.key);
  const set = (field) => (event) => {
    setEdited(true);
    setForm({ ...form, [field]: event.target.value });
    if (field === 'payload') setPayloadError(null);
  };
  const choose = (event) => {
    const chosen = choices[Number(event.target.value)];
    setEdited(true);
    if (chosen) setForm({ ...form, name: chosen.name, key: chosen.key });
  };
  const submit = async (event) => {
    event.preventDefault();
    setAnswer(null);
    setError(null);
    const body = { name: form.name.trim(), key: form.key };
    if (form.payload.trim() !== '') {
      try {
        body.payload = JSON.parse(form.payload);
      } catch (failure) {
        setPayloadError(`The payload is not valid JSON (${failure.message}). Write JSON, e.g. {"ready": true}, "a text" or 42, or leave it empty for null.`);
        return;
      }
    }
    if (form.id.trim() !== '') body.id = form.id.trim();
    setBusy(true);
    try {
      setAnswer(await api(`/api/v1/processes/${processId}/events`, { method: 'POST', body }));
      setEdited(false);
      setForm({ name: '', key: '', payload: '', id: '' });
      onSent();
    } catch (failure) {
      setError(failure);
    }
    setBusy(false);
  };
  const said = answer ? html`<div class="banner info" role="status" data-testid="event-answer">${answerText(answer)}</div>` : null;
  if (ended) {
    return html`<div class="send-event">${said}<span class="hint">The process has ended: it takes no more events.</span></div>`;
  }
  return html`<form class="send-event" data-testid="send-event" onSubmit=${submit} aria-labelledby="send-event-title">
    <h3 id="send-event-title">Send an event to this process</h3>
    ${choices.length > 1 ? html`<label for="event-choice">Waiting for</label>
      <select id="event-choice" data-testid="event-choice" value=${choice < 0 ? '' : String(choice)} onChange=${choose}>
        ${choice < 0 ? html`<option value="">(another event)</option>` : null}
        ${choices.map((c, i) => html`<option value=${String(i)}>${c.name} · key ${c.key === '' ? '""' : c.key}</option>`)}
      </select>` : null}
    <label for="event-name">Event name</label>
    <input id="event-name" data-testid="event-name" required value=${form.name} onInput=${set('name')} autocomplete="off" />
    <label for="event-key">Key</label>
    <input id="event-key" data-testid="event-key" value=${form.key} onInput=${set('key')} autocomplete="off"
      aria-describedby="event-key-hint" />
    <span id="event-key-hint" class="hint">Empty: any key of this process.</span>
    <label for="event-payload">Payload (JSON)</label>
    <textarea id="event-payload" data-testid="event-payload" rows="4" value=${form.payload} onInput=${set('payload')}
      placeholder='{"ready": true}' aria-invalid=${payloadError ? 'true' : 'false'}
      aria-describedby=${payloadError ? 'event-payload-error' : 'event-payload-hint'}></textarea>
    ${payloadError ? html`<div id="event-payload-error" class="banner error" role="alert" data-testid="payload-error">${payloadError}</div>`
      : html`<span id="event-payload-hint" class="hint">Empty: null.</span>`}
    <label for="event-id">Id (optional)</label>
    <input id="event-id" data-testid="event-id" value=${form.id} onInput=${set('id')} autocomplete="off"
      aria-describedby="event-id-hint" />
    <span id="event-id-hint" class="hint">An event with an id is applied once; sending it again changes nothing.</span>
    <div><button type="submit" class="primary" data-testid="send-event-button" disabled=${busy}>Send event</button></div>
    <${ErrorBanner} error=${error} what="send events" />
    ${said}
  </form>`;
}

function TaskPanel({ task, tasks, now }) {
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
      ${isEvent(task) ? row('Waits for', eventNames(task).join(' or ')) : null}
      ${isEvent(task) ? row('Key', html`<span class="mono">${keyText(eventKey(task, new Map(tasks.map((t) => [t.taskId, t]))))}</span>`) : null}
      ${isWait(task) && waitLong(task, now) ? row(isTimer(task) ? 'Fires' : 'Deadline', waitLong(task, now)) : null}
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
  const [sent, setSent] = useState(false);  // an event was sent from this page: its answer stays
  const session = useSession();
  const operate = may(session, 'operate');
  const signal = may(session, 'signal');
  const { data, error, reload, setData } = usePolling(async () => {
    const [process, tasks] = await Promise.all([api(`/api/v1/processes/${id}`), api(`/api/v1/processes/${id}/tasks`)]);
    return { process, tasks };
  }, 1000, [id]);
  if (!data) return html`<section><${ErrorBanner} error=${error} what="read processes" />${error ? null : html`<${Loading} />`}</section>`;
  const { process, tasks } = data;
  const act = async (action) => {
    try {
      setActionError(null);
      const answer = await api(`/api/v1/processes/${id}/${action}`, { method: 'POST' });
      // Pause and resume answer the process: show its new state at once.
      if (answer && answer.processId) setData((d) => (d ? { ...d, process: answer } : d));
      reload();
    } catch (failure) {
      setActionError(failure);
    }
  };
  const now = Date.now();
  const failed = process.failedTaskId && tasks.find((t) => t.taskId === process.failedTaskId);
  const ended = process.state !== 'running' && process.state !== 'broken';
  const waits = tasks.some(isWait);
  const workflow = workflowOfActor(process.actor);  // a process of a workflow definition
  return html`<section>
    <h1>Process <span class="mono">${process.processId}</span> <${StateBadge} state=${process.state} />${process.paused
      ? html` <span class="badge paused" data-testid="paused-badge">paused</span>` : null}</h1>
    <${ErrorBanner} error=${error} what="read processes" />
    <${ErrorBanner} error=${actionError} what="pause, resume, restart or abort processes" />
    ${process.paused && !ended ? html`<div class="banner paused" role="status" data-testid="paused-notice">
      This process is paused: none of its tasks is handed out until it is resumed (a task already
      running finishes; its timers and event waits keep their place).</div>` : null}
    <div class="summary">
      <div><b>${process.actor}</b>.${process.method}</div>
      ${workflow ? html`<div><a data-testid="process-workflow" href=${workflowHref(workflow.name, workflow.version)}
        >workflow ${workflow.name} v${workflow.version}: its definition</a></div>` : null}
      ${process.customId ? html`<div>custom id <b>${process.customId}</b></div>` : null}
      ${Object.keys(process.tags || {}).length > 0 ? html`<div data-testid="process-tags">tags
        <${TagChips} tags=${process.tags}
          href=${(tag) => `#/processes?tag=${encodeURIComponent(tag)}`} /></div>` : null}
      <div>started ${ago(process.startedAt, now)}</div>
      ${process.endedAt ? html`<div>took ${duration(process.endedAt - process.startedAt)}</div>` : null}
      ${process.deadline ? html`<div data-testid="process-deadline">
        deadline ${clock(process.deadline)}${ended
          ? null : html` <span class="hint">(${ago(process.deadline, now)})</span>`}</div>` : null}
      <div>${tasks.length} tasks</div>
      ${operate ? html`<div class="actions">
        ${ended ? null : process.paused
          ? html`<button data-testid="resume" onClick=${() => act('resume')}>Resume</button>`
          : html`<button data-testid="pause" onClick=${() => act('pause')}>Pause</button>`}
        <button data-testid="restart" disabled=${process.state !== 'broken'} onClick=${() => act('restart')}>Restart</button>
        <button data-testid="abort" class="danger" disabled=${process.state !== 'running' && process.state !== 'broken'}
          onClick=${() => act('abort')}>Abort</button>
      </div>` : null}
    </div>
    ${process.state === 'completed' ? html`<div class="result">Result <pre data-testid="process-result">${json(process.result)}</pre></div>` : null}
    ${process.error ? html`<div class="banner error" data-testid="process-error">${process.error.type === 'pledge.Timeout'
      ? html`<b data-testid="timed-out">Timed out.</b> ` : null}${process.error.type}: ${process.error.message}
      ${failed ? html` — task <a href="javascript:void 0" onClick=${() => setSelected(failed.taskId)}>${failed.method}</a>` : null}</div>` : null}
    <div class="legend">
      <span class="swatch state-completed"></span>completed <span class="swatch state-running"></span>running
      <span class="swatch state-ready"></span>ready <span class="swatch state-waiting"></span>waiting
      <span class="swatch state-failed"></span>failed <span class="swatch state-listening"></span>listening
      <span class="swatch state-scheduled"></span>scheduled · ▭ worker ◯ decider ▶ start ✉ event ◷ timer ·
      <span class="line wait"></span>waits for <span class="line nowait"></span>no wait
      <span class="line forward"></span>result of <span class="line created"></span>created by
    </div>
    <div class="detail">
      <div class="graph-scroll"><${ProcessGraph} tasks=${tasks} selected=${selected} onSelect=${setSelected} now=${now} /></div>
      <${TaskPanel} task=${tasks.find((t) => t.taskId === selected)} tasks=${tasks} now=${now} />
    </div>
    ${waits || (signal && (!ended || sent)) ? html`<h2>Events and timers</h2>` : null}
    <div class="events-row">
      ${waits ? html`<div class="waits-scroll"><${Waits} tasks=${tasks} now=${now} onSelect=${setSelected} /></div>` : null}
      ${signal && (!ended || sent) ? html`<${SendEvent} processId=${process.processId} tasks=${tasks} ended=${ended}
        onSent=${() => { setSent(true); reload(); }} />` : null}
    </div>
    <h2>Timeline</h2>
    <div class="graph-scroll"><${Timeline} tasks=${tasks} now=${now} onSelect=${setSelected} /></div>
  </section>`;
}

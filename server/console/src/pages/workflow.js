// One workflow definition (GET /api/v1/workflows/{name}[/{version}]): its graph before anything
// runs (click a task for its JSON), its other versions, the definition as registered, a form that
// starts a process of it (roles that may start) and its latest processes (roles that may read).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ago, clock, duration, json } from '../format.js';
import { may, useSession } from '../session.js';
import { ErrorBanner, Loading, StateBadge, html, usePolling } from '../ui.js';
import { WorkflowGraph, WorkflowLegend, atPointer, typeOf, workflowHref } from '../workflow_graph.js';

function TaskJson({ definition, pointer }) {
  const task = pointer ? atPointer(definition, pointer) : null;
  if (!task) {
    return html`<aside class="panel muted">Click a task in the graph for its JSON: inputParameters, cases, options.</aside>`;
  }
  return html`<aside class="panel" data-testid="wf-task-panel">
    <h3>${task.taskReferenceName} <span class="badge">${typeOf(task)}</span></h3>
    <table class="facts">
      <tr><th>Name</th><td>${task.name}</td></tr>
      <tr><th>Pointer</th><td class="mono" data-testid="wf-task-pointer">${pointer}</td></tr>
      ${task.subWorkflowParam && task.subWorkflowParam.name ? html`<tr><th>Runs</th><td>
        <a href=${workflowHref(task.subWorkflowParam.name, task.subWorkflowParam.version)}>workflow ${task.subWorkflowParam.name}
          ${task.subWorkflowParam.version ? ` version ${task.subWorkflowParam.version}` : ' (latest)'}</a></td></tr>` : null}
    </table>
    <pre data-testid="wf-task-json">${json(task)}</pre>
  </aside>`;
}

// The input a start form begins with: the workflow's inputParameters as keys.
function inputTemplate(definition) {
  const names = Array.isArray(definition.inputParameters) ? definition.inputParameters : [];
  return json(Object.fromEntries(names.map((name) => [name, null])));
}

function StartForm({ workflow, onStarted }) {
  const [text, setText] = useState(() => inputTemplate(workflow.definition));
  const [customId, setCustomId] = useState('');
  const [inputError, setInputError] = useState(null);
  const [error, setError] = useState(null);
  const [started, setStarted] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setStarted(null);
    let input = {};
    if (text.trim() !== '') {
      try {
        input = JSON.parse(text);
      } catch (failure) {
        setInputError(`The input is not valid JSON (${failure.message}). Write an object, e.g. {"amount": 3}.`);
        return;
      }
    }
    setInputError(null);
    const body = { actor: workflow.actor, input };
    if (customId.trim() !== '') body.customId = customId.trim();
    setBusy(true);
    try {
      setStarted(await api('/api/v1/processes', { method: 'POST', body }));
      onStarted();
    } catch (failure) {
      setError(failure);
    }
    setBusy(false);
  };
  return html`<form class="wf-form start-form" data-testid="start-workflow" onSubmit=${submit} aria-labelledby="start-title">
    <h3 id="start-title">Start ${workflow.name} v${workflow.version}</h3>
    <label for="start-input">Input (JSON)</label>
    <textarea id="start-input" data-testid="start-input" rows="6" value=${text} spellcheck="false"
      onInput=${(e) => { setText(e.target.value); setInputError(null); }} aria-invalid=${inputError ? 'true' : 'false'}></textarea>
    ${inputError ? html`<div class="banner error" role="alert" data-testid="start-input-error">${inputError}</div>` : null}
    <label for="start-custom-id">Custom id (optional)</label>
    <input id="start-custom-id" data-testid="start-custom-id" value=${customId} onInput=${(e) => setCustomId(e.target.value)}
      autocomplete="off" />
    <span class="hint">A start with a custom id that a process already had answers that process.</span>
    <div><button type="submit" class="primary" data-testid="start-button" disabled=${busy}>Start</button></div>
    <${ErrorBanner} error=${error} what="start processes" />
    ${started ? html`<div class="banner info" role="status" data-testid="start-answer">
      ${started.existing ? 'That custom id names a process already: ' : 'Started process '}<a class="mono" data-testid="started-process" href=${`#/processes/${started.processId}`}>${started.processId}</a></div>` : null}
  </form>`;
}

function Recent({ actor, refresh }) {
  const params = new URLSearchParams({ actor, limit: '10' });
  const { data, error } = usePolling(() => api(`/api/v1/processes?${params}`), 3000, [actor, refresh]);
  const now = Date.now();
  return html`<div class="wf-recent">
    <h2>Latest processes <a class="hint" href=${`#/processes?actor=${encodeURIComponent(actor)}`}>all</a></h2>
    <${ErrorBanner} error=${error} what="list processes" />
    ${data === null ? null : data.items.length === 0 ? html`<p class="muted">None started yet.</p>`
      : html`<table class="grid" data-testid="wf-processes">
        <thead><tr><th>Process</th><th>State</th><th>Started</th><th class="num">Took</th></tr></thead>
        <tbody>${data.items.map((p) => html`<tr key=${p.processId}>
          <td><a class="mono" href=${`#/processes/${p.processId}`}>${p.processId}</a></td>
          <td><${StateBadge} state=${p.state} /></td>
          <td title=${clock(p.startedAt)}>${ago(p.startedAt, now)}</td>
          <td class="num">${p.endedAt ? duration(p.endedAt - p.startedAt) : ''}</td></tr>`)}</tbody></table>`}
  </div>`;
}

export function WorkflowDetail({ name, version }) {
  const session = useSession();
  const [selected, setSelected] = useState(null);
  const [starts, setStarts] = useState(0);
  const path = `/api/v1/workflows/${encodeURIComponent(name)}${version ? `/${encodeURIComponent(version)}` : ''}`;
  const { data, error } = usePolling(async () => {
    const [workflow, all] = await Promise.all([api(path), api('/api/v1/workflows')]);
    return { workflow, versions: all.items.filter((w) => w.name === name).map((w) => w.version).sort((a, b) => b - a) };
  }, 0, [path]);
  useEffect(() => setSelected(null), [path]);
  if (!data) {
    return html`<section><h1>Workflow ${name}${version ? ` v${version}` : ''}</h1>
      <${ErrorBanner} error=${error} what="read the workflows" />${error ? null : html`<${Loading} />`}</section>`;
  }
  const { workflow, versions } = data;
  const { definition } = workflow;
  return html`<section>
    <h1>Workflow ${workflow.name} <span class="badge" data-testid="wf-version">v${workflow.version}</span>
      ${!version ? html` <span class="hint">the latest version</span>` : null}</h1>
    <div class="summary" data-testid="wf-summary">
      <div class="mono">${workflow.actor}</div>
      <div>${workflow.tasks} task${workflow.tasks === 1 ? '' : 's'}</div>
      <div title=${clock(workflow.createdAt)}>registered ${ago(workflow.createdAt)}</div>
      ${Array.isArray(definition.inputParameters) && definition.inputParameters.length
        ? html`<div>input: <span class="mono">${definition.inputParameters.join(', ')}</span></div>` : null}
      <div class="wf-versions">versions ${versions.map((v) => html` <a key=${v} href=${workflowHref(name, v)}
        class=${v === workflow.version ? 'active' : ''} data-testid="wf-version-link">v${v}</a>`)}</div>
      <div><a href="#/workflows">all workflows</a></div>
    </div>
    ${workflow.description ? html`<p class="wf-description">${workflow.description}</p>` : null}
    <${WorkflowLegend} />
    <div class="detail">
      <div class="graph-scroll"><${WorkflowGraph} definition=${definition} selected=${selected} onSelect=${setSelected} /></div>
      <div class="wf-side">
        <${TaskJson} definition=${definition} pointer=${selected} />
        ${may(session, 'start') ? html`<${StartForm} key=${workflow.actor} workflow=${workflow} onStarted=${() => setStarts(starts + 1)} />` : null}
      </div>
    </div>
    ${may(session, 'read') ? html`<${Recent} actor=${workflow.actor} refresh=${starts} />` : null}
    <details class="wf-source" data-testid="wf-definition">
      <summary>Definition JSON (as registered)</summary>
      <pre data-testid="wf-definition-json">${json(definition)}</pre>
    </details>
  </section>`;
}

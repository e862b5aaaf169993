// Workflows: the registered workflow definitions (GET /api/v1/workflows), one row per version,
// each linking to its page (pages/workflow.js), and for admins a form that registers a definition
// (POST /api/v1/workflows) and shows the server's refusal with the JSON pointer of the bad field.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ago, clock } from '../format.js';
import { may, useSession } from '../session.js';
import { Empty, ErrorBanner, Loading, html, usePolling } from '../ui.js';
import { workflowHref } from '../workflow_graph.js';

// A refusal of a definition: "/tasks/2/type: unknown task type ..." as {pointer, detail}; the
// pointer is '' when the message names none (the definition as a whole).
export function splitPointer(message) {
  const match = /^(\/[^:\s]*|): (.*)$/s.exec(message || '');
  return match ? { pointer: match[1], detail: match[2] } : { pointer: null, detail: message };
}

// A server error about a definition, its pointer set apart.
export function DefinitionError({ error, testId }) {
  if (!error) return null;
  if (error.status === 403) return html`<${ErrorBanner} error=${error} what="register workflows" />`;
  const { pointer, detail } = error.status === 400 ? splitPointer(error.message) : { pointer: null, detail: error.message };
  return html`<div class="banner error" role="alert" data-testid=${testId}>
    ${pointer !== null ? html`<span class="mono pointer" data-testid="error-pointer">${pointer || '/'}</span> ` : null}${detail}
  </div>`;
}

const EXAMPLE = `{
  "name": "greet",
  "version": 1,
  "description": "Says hello",
  "inputParameters": ["who"],
  "tasks": [
    {"name": "hello", "taskReferenceName": "hello", "type": "INLINE",
     "inputParameters": {"evaluatorType": "javascript", "expression": "'Hello ' + $.who", "who": "\${workflow.input.who}"}}
  ],
  "outputParameters": {"greeting": "\${hello.output.result}"}
}`;

function Register({ onRegistered }) {
  const [text, setText] = useState('');
  const [parseError, setParseError] = useState(null);
  const [error, setError] = useState(null);
  const [answer, setAnswer] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setAnswer(null);
    let body;
    try {
      body = JSON.parse(text);
    } catch (failure) {
      setParseError(`Not valid JSON (${failure.message}).`);
      return;
    }
    setParseError(null);
    setBusy(true);
    try {
      setAnswer(await api('/api/v1/workflows', { method: 'POST', body }));
      onRegistered();
    } catch (failure) {
      setError(failure);
    }
    setBusy(false);
  };
  return html`<form class="wf-form" data-testid="register" onSubmit=${submit} aria-labelledby="register-title">
    <h2 id="register-title">Register a workflow</h2>
    <label for="register-json">Definition (Conductor's JSON: name, version, tasks, …)</label>
    <textarea id="register-json" data-testid="register-json" rows="14" value=${text} placeholder=${EXAMPLE}
      onInput=${(e) => { setText(e.target.value); setParseError(null); }} aria-invalid=${parseError || error ? 'true' : 'false'}
      spellcheck="false"></textarea>
    <span class="hint">A version is registered once: the same definition again changes nothing, another one under
      its name and version is refused. See docs/workflows.md.</span>
    <div><button type="submit" class="primary" data-testid="register-button" disabled=${busy || text.trim() === ''}>Register</button></div>
    ${parseError ? html`<div class="banner error" role="alert" data-testid="register-error">${parseError}</div>` : null}
    <${DefinitionError} error=${error} testId="register-error" />
    ${answer ? html`<div class="banner info" role="status" data-testid="register-answer">
      ${answer.created ? 'Registered ' : 'Already registered with this definition: '}<a
        href=${workflowHref(answer.name, answer.version)}>${answer.name} version ${answer.version}</a>${
        ` (${answer.tasks} task${answer.tasks === 1 ? '' : 's'}).`}</div>` : null}
  </form>`;
}

export function Workflows() {
  const admin = may(useSession(), 'admin');
  const { data, error, reload } = usePolling(() => api('/api/v1/workflows'), 5000);
  const now = Date.now();
  const items = data ? [...data.items].sort((a, b) => (a.name === b.name ? b.version - a.version : a.name < b.name ? -1 : 1)) : [];
  return html`<section>
    <h1>Workflows <span class="hint">definitions in Conductor's JSON, run by the server's decider; start one from its page</span></h1>
    <${ErrorBanner} error=${error} what="read the workflows" />
    ${data === null ? (error ? null : html`<${Loading} />`)
      : items.length === 0 ? html`<${Empty}>No workflow is registered yet.${admin ? ' Register one below.' : ''}<//>`
      : html`<table class="grid" data-testid="workflows">
          <thead><tr><th>Name</th><th class="num">Version</th><th class="num">Tasks</th><th>Description</th><th>Registered</th></tr></thead>
          <tbody>${items.map((w) => html`<tr key=${w.actor} data-testid="workflow-row" data-name=${w.name} data-version=${w.version}>
            <td><a href=${workflowHref(w.name, w.version)}><b>${w.name}</b></a></td>
            <td class="num"><a href=${workflowHref(w.name, w.version)} data-testid="workflow-version">v${w.version}</a></td>
            <td class="num">${w.tasks}</td>
            <td>${w.description || html`<span class="muted">—</span>`}</td>
            <td title=${clock(w.createdAt)}>${ago(w.createdAt, now)}</td></tr>`)}</tbody>
        </table>`}
    ${admin ? html`<${Register} onRegistered=${reload} />` : null}
  </section>`;
}

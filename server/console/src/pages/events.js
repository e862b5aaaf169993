// Kept events: events that came when no task waited for them, kept (for their retention) for the
// first task that listens for their name and key (GET /api/v1/events, oldest first), by name.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ago, clock, json } from '../format.js';
import { Empty, ErrorBanner, Loading, html, usePolling } from '../ui.js';

const LIMIT = 200;

export function Events({ query }) {
  const [typed, setTyped] = useState(query.get('name') || '');
  const [name, setName] = useState(typed.trim());
  const params = new URLSearchParams({ limit: String(LIMIT) });
  if (name) params.set('name', name);
  const { data, error } = usePolling(() => api(`/api/v1/events?${params}`), 3000, [params.toString()]);
  const submit = (event) => {
    event.preventDefault();
    setName(typed.trim());
  };
  const clear = () => {
    setTyped('');
    setName('');
  };
  const now = Date.now();
  return html`<section>
    <h1>Kept events <span class="hint">events no task waited for, kept for the first one that listens for their name and key</span></h1>
    <form class="toolbar" onSubmit=${submit} role="search">
      <label class="field-label" for="events-name">Event name</label>
      <input id="events-name" data-testid="events-name" placeholder="e.g. pizzaReady" value=${typed}
        onInput=${(e) => setTyped(e.target.value)} />
      <button type="submit">Filter</button>
      ${name ? html`<button type="button" onClick=${clear}>Show all</button>` : null}
    </form>
    <${ErrorBanner} error=${error} what="read the kept events" />
    ${data === null ? (error ? null : html`<${Loading} />`)
      : data.items.length === 0 ? html`<${Empty}>${name ? `No event named ${name} is kept.` : 'No event is kept now.'}<//>`
      : html`<table class="grid" data-testid="events">
          <thead><tr><th>Name</th><th>Key</th><th>Id</th><th>For</th><th>Payload</th><th>Kept</th><th>Until</th></tr></thead>
          <tbody>${data.items.map((e, i) => html`<tr key=${`${e.keptAt}:${e.name}:${e.key}:${i}`} data-testid="kept-event" data-name=${e.name}>
            <td><b>${e.name}</b></td>
            <td class="mono">${e.key === '' ? '""' : e.key}</td>
            <td class="mono">${e.id || ''}</td>
            <td>${e.processId ? html`process <a class="mono" href=${`#/processes/${e.processId}`}>${e.processId}</a>` : 'any process'}</td>
            <td class="mono payload" title=${json(e.payload)}>${json(e.payload, 0)}</td>
            <td title=${clock(e.keptAt)}>${ago(e.keptAt, now)}</td>
            <td title=${clock(e.keptUntil)}>${ago(e.keptUntil, now)}</td></tr>`)}</tbody>
        </table>`}
    ${data && data.items.length === LIMIT ? html`<p class="hint">Showing the oldest ${LIMIT}.</p>` : null}
  </section>`;
}

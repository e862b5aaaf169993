// Broken processes, grouped by actor and error type, with restart and abort for one or all.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ago } from '../format.js';
import { may, useSession } from '../session.js';
import { Empty, ErrorBanner, Loading, html, usePolling } from '../ui.js';

// At most this many broken processes are read (ten pages): the console never lists everything.
const MAX_PAGES = 10;

async function loadBroken() {
  const items = [];
  let cursor = null;
  for (let page = 0; page < MAX_PAGES; ++page) {
    const answer = await api(`/api/v1/processes?state=broken&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...answer.items);
    cursor = answer.next;
    if (!cursor) break;
  }
  return { items, more: Boolean(cursor) };
}

export function Broken() {
  const operate = may(useSession(), 'operate');
  const { data, error, reload } = usePolling(loadBroken, 3000);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState(null);
  const act = async (processes, action) => {
    setBusy(true);
    setActionError(null);
    try {
      for (const p of processes) await api(`/api/v1/processes/${p.processId}/${action}`, { method: 'POST' });
    } catch (failure) {
      setActionError(failure);
    }
    setBusy(false);
    reload();
  };
  if (!data) {
    return html`<section><h1>Broken processes</h1><${ErrorBanner} error=${error} what="read the broken processes" />
      ${error ? null : html`<${Loading} />`}</section>`;
  }
  const groups = new Map();
  for (const p of data.items) {
    const key = `${p.actor}\u0000${p.error ? p.error.type : 'unknown'}`;
    if (!groups.has(key)) groups.set(key, { actor: p.actor, type: p.error ? p.error.type : 'unknown', processes: [] });
    groups.get(key).processes.push(p);
  }
  return html`<section>
    <h1>Broken processes <span class="hint">a task failed for good and nothing accepted the failure</span></h1>
    <${ErrorBanner} error=${error} what="read the broken processes" />
    <${ErrorBanner} error=${actionError} what="restart or abort processes" />
    ${data.items.length === 0 ? html`<${Empty}>No broken process.<//>` : null}
    ${data.more ? html`<p class="hint">Showing the newest ${data.items.length}; filter on the Processes page for more.</p>` : null}
    ${[...groups.values()].map((group) => html`<div class="group" data-testid="broken-group" key=${group.actor + group.type}>
      <div class="group-head">
        <b>${group.actor}</b> <span class="error-type">${group.type}</span>
        <span class="count">${group.processes.length}</span>
        ${operate ? html`<button disabled=${busy} onClick=${() => act(group.processes, 'restart')}>Restart all</button>
          <button disabled=${busy} class="danger" onClick=${() => act(group.processes, 'abort')}>Abort all</button>` : null}
      </div>
      <table class="grid"><tbody>${group.processes.map((p) => html`<tr key=${p.processId} data-testid="broken-process" data-process=${p.processId}>
        <td><a class="mono" href=${`#/processes/${p.processId}`}>${p.processId}</a></td>
        <td>${p.error ? p.error.message : ''}</td><td>${ago(p.startedAt)}</td>
        ${operate ? html`<td><button disabled=${busy} onClick=${() => act([p], 'restart')}>Restart</button>
          <button disabled=${busy} class="danger" onClick=${() => act([p], 'abort')}>Abort</button></td>` : null}</tr>`)}</tbody></table>
    </div>`)}
  </section>`;
}

// Actors: name and version, last poll, pollers, blocked flag with block and unblock.
import { useState } from 'preact/hooks';
import { actorPath, api } from '../api.js';
import { ago, splitActor } from '../format.js';
import { may, useSession } from '../session.js';
import { Empty, ErrorBanner, Loading, html, usePolling } from '../ui.js';

export function Actors() {
  const operate = may(useSession(), 'operate');
  const { data, error, reload } = usePolling(() => api('/api/v1/actors'), 2000);
  const [actionError, setActionError] = useState(null);
  const toggle = async (actor) => {
    try {
      setActionError(null);
      await api(`/api/v1/actors/${actorPath(actor.actor)}/${actor.blocked ? 'unblock' : 'block'}`, { method: 'POST' });
      reload();
    } catch (failure) {
      setActionError(failure);
    }
  };
  return html`<section>
    <h1>Actors</h1>
    <${ErrorBanner} error=${error} what="read the actors" />
    <${ErrorBanner} error=${actionError} what="block or unblock actors" />
    ${data === null ? (error ? null : html`<${Loading} />`) : data.length === 0 ? html`<${Empty}>No actor has polled or has tasks yet.<//>`
      : html`<table class="grid" data-testid="actors">
        <thead><tr><th>Actor</th><th>Version</th><th>State</th><th>Last poll</th><th>Pollers</th>
          <th class="num">Ready</th><th class="num">Running</th><th class="num">Waiting</th>${operate ? html`<th></th>` : null}</tr></thead>
        <tbody>${data.map((actor) => {
          const [name, version] = splitActor(actor.actor);
          return html`<tr key=${actor.actor} data-testid="actor" data-actor=${actor.actor}>
            <td><b>${name}</b></td><td>${version}</td>
            <td>${actor.blocked ? html`<span class="badge state-blocked">blocked</span>` : html`<span class="badge state-active">active</span>`}</td>
            <td>${ago(actor.lastPollAt)}</td>
            <td title=${actor.pollers.map((p) => p.worker).join('\n')}>${actor.pollers.length}</td>
            <td class="num">${actor.ready}</td><td class="num">${actor.running}</td><td class="num">${actor.waiting}</td>
            ${operate ? html`<td><button data-testid="toggle-block" class=${actor.blocked ? '' : 'danger'} onClick=${() => toggle(actor)}>
              ${actor.blocked ? 'Unblock' : 'Block'}</button></td>` : null}</tr>`;
        })}</tbody></table>`}
  </section>`;
}

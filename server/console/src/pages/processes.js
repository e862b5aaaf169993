// Processes: search by process id or custom id, filter by state, actor, start time and tags, page
// through the newest first (paged queries only: the store may hold millions). The tag filters live
// in the URL (#/processes?tag=team:billing&tag=env:prod): a tag chip anywhere links to them.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ago, clock, duration } from '../format.js';
import {
  Empty, ErrorBanner, Loading, StateBadge, TagChips, html, navigate, usePolling,
} from '../ui.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE = 50;
// KEY:VALUE as the API takes it (docs/operations.md "Tags").
const TAG = /^[A-Za-z0-9_.-]{1,64}:.{0,256}$/;

function toEpoch(local) {
  return local ? String(new Date(local).getTime()) : '';
}

export function Processes({ query }) {
  const [filters, setFilters] = useState({
    state: query.get('state') || '', actor: query.get('actor') || '', customId: '', after: '', before: '',
  });
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState([null]);  // cursors[i]: the cursor of page i
  const tags = query.getAll('tag');
  const [tagText, setTagText] = useState('');
  const [tagError, setTagError] = useState(null);
  useEffect(() => setCursors([null]), [tags.join('\n')]);
  // The list with these tag filters (and the state and actor filters kept).
  const hrefWith = (list) => {
    const next = new URLSearchParams();
    if (filters.state) next.set('state', filters.state);
    if (filters.actor) next.set('actor', filters.actor);
    [...new Set(list)].forEach((tag) => next.append('tag', tag));
    const text = next.toString();
    return text ? `#/processes?${text}` : '#/processes';
  };
  const addTag = (event) => {
    event.preventDefault();
    const text = tagText.trim();
    if (!TAG.test(text)) {
      setTagError(`"${text}" is not KEY:VALUE (a key of A-Z a-z 0-9 _ . -)`);
      return;
    }
    setTagError(null);
    setTagText('');
    navigate(hrefWith([...tags, text]));
  };
  const page = cursors.length - 1;
  const params = new URLSearchParams({ limit: String(PAGE) });
  tags.forEach((tag) => params.append('tag', tag));
  if (filters.state) params.set('state', filters.state);
  if (filters.actor) params.set('actor', filters.actor);
  if (filters.customId) params.set('customId', filters.customId);
  if (filters.after) params.set('startedAfter', toEpoch(filters.after));
  if (filters.before) params.set('startedBefore', toEpoch(filters.before));
  if (cursors[page]) params.set('cursor', cursors[page]);
  const { data, error } = usePolling(() => api(`/api/v1/processes?${params}`), 3000, [params.toString()]);

  const change = (key) => (event) => {
    setFilters({ ...filters, [key]: event.target.value });
    setCursors([null]);
  };
  const submitSearch = (event) => {
    event.preventDefault();
    const text = search.trim();
    if (UUID.test(text)) {
      navigate(`#/processes/${text.toLowerCase()}`);
    } else {
      setFilters({ ...filters, customId: text });
      setCursors([null]);
    }
  };

  return html`<section>
    <h1>Processes</h1>
    <form class="toolbar" onSubmit=${submitSearch}>
      <input data-testid="search" placeholder="process id or custom id" value=${search}
        onInput=${(e) => setSearch(e.target.value)} />
      <button type="submit">Search</button>
      <select data-testid="state-filter" value=${filters.state} onChange=${change('state')}>
        <option value="">any state</option>
        ${['running', 'completed', 'broken', 'aborted', 'paused'].map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
      <input placeholder="actor, e.g. NotificationDecider#1.0" value=${filters.actor} onChange=${change('actor')} />
      <label>started after <input type="datetime-local" value=${filters.after} onChange=${change('after')} /></label>
      <label>before <input type="datetime-local" value=${filters.before} onChange=${change('before')} /></label>
    </form>
    <form class="toolbar" onSubmit=${addTag}>
      <input data-testid="tag-filter" placeholder="tag KEY:VALUE, e.g. team:billing"
        value=${tagText} onInput=${(e) => setTagText(e.target.value)} />
      <button type="submit">Add tag filter</button>
      ${tags.map((tag) => html`<span class="tag active" key=${tag}
        data-testid="tag-filter-chip">${tag}
        <a href=${hrefWith(tags.filter((t) => t !== tag))} title="remove this filter"
          aria-label=${`remove ${tag}`}>×</a></span>`)}
      ${tagError ? html`<span class="hint error" data-testid="tag-error">${tagError}</span>` : null}
    </form>
    ${filters.customId ? html`<p class="hint">custom id ${filters.customId}
      <a href="#/processes" onClick=${() => setFilters({ ...filters, customId: '' })}>clear</a></p>` : null}
    <${ErrorBanner} error=${error} what="list or search processes; open one by its process id" />
    ${data === null ? (error ? null : html`<${Loading} />`)
      : data.items.length === 0 ? html`<${Empty}>No process matches.<//>`
      : html`<table class="grid" data-testid="processes">
          <thead><tr><th>Process</th><th>State</th><th>Actor</th><th>Method</th><th>Custom id</th>
            <th>Started</th><th class="num">Took</th><th>Deadline</th><th>Tags</th></tr></thead>
          <tbody>${data.items.map((p) => html`<tr key=${p.processId}>
            <td><a class="mono" href=${`#/processes/${p.processId}`}>${p.processId}</a></td>
            <td><${StateBadge} state=${p.state} />${p.paused
              ? html` <span class="badge paused" data-testid="paused-marker" title="paused: none of its tasks is handed out">paused</span>` : null}</td>
            <td>${p.actor}</td><td>${p.method}</td><td>${p.customId || ''}</td>
            <td title=${new Date(p.startedAt).toLocaleString()}>${ago(p.startedAt)}</td>
            <td class="num">${p.endedAt ? duration(p.endedAt - p.startedAt) : ''}</td>
            <td data-testid="deadline" title=${p.deadline ? clock(p.deadline) : ''}>${p.deadline
              ? ago(p.deadline) : ''}</td>
            <td><${TagChips} tags=${p.tags}
              href=${(tag) => hrefWith([...tags, tag])} /></td></tr>`)}</tbody>
        </table>`}
    <div class="pager">
      <button disabled=${page === 0} onClick=${() => setCursors(cursors.slice(0, -1))}>← Newer</button>
      <span>page ${page + 1}</span>
      <button data-testid="older" disabled=${!data || !data.next} onClick=${() => setCursors([...cursors, data.next])}>Older →</button>
    </div>
  </section>`;
}

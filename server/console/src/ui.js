// Shared pieces of the console: the html tag, polling, badges, tables, error banners.
import { h } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import { useSession } from './session.js';

export const html = htm.bind(h);

// Loads data now and every intervalMs (0: once); keeps the last good data when a reload fails.
export function usePolling(load, intervalMs, deps = []) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const alive = useRef(true);
  const reload = useCallback(async () => {
    try {
      const value = await load();
      if (alive.current) {
        setData(value);
        setError(null);
      }
    } catch (failure) {
      if (alive.current) setError(failure);
    }
  }, deps);
  useEffect(() => {
    alive.current = true;
    reload();
    const timer = intervalMs > 0 ? setInterval(reload, intervalMs) : null;
    return () => {
      alive.current = false;
      if (timer) clearInterval(timer);
    };
  }, [reload, intervalMs]);
  return { data, error, reload, setData };
}

export function StateBadge({ state }) {
  return html`<span class=${`badge state-${state}`}>${state}</span>`;
}

// An error of a call; a refusal (403) names the role and what it may not do ("read the queues").
export function ErrorBanner({ error, what }) {
  if (!error) return null;
  if (error.status === 403) return html`<${Refused} what=${what} detail=${error.message} />`;
  return html`<div class="banner error" role="alert">${error.message}</div>`;
}

// What the signed-in role may not do, said before or after the server refused it.
export function Refused({ what, detail }) {
  const session = useSession();
  const role = session ? session.role : 'unknown';
  return html`<div class="banner refused" role="alert" data-testid="refused">
    ${what ? `Your token's role (${role}) may not ${what}.` : detail}
    ${what && detail ? html` <span class="hint">${detail}</span>` : null}
  </div>`;
}

export function Empty({ children }) {
  return html`<div class="empty">${children}</div>`;
}

export function Loading() {
  return html`<div class="empty">Loading…</div>`;
}

// A table whose columns sort by a click on their header. columns: [{key, label, value(row),
// render(row), numeric}]
export function SortableTable({ columns, rows, initial, rowKey, testId }) {
  const [sort, setSort] = useState(initial || { key: columns[0].key, dir: 1 });
  const valueOf = (c, row) => (c.value ? c.value(row) : row[c.key]);
  const column = columns.find((c) => c.key === sort.key) || columns[0];
  const sorted = [...rows].sort((a, b) => {
    const x = valueOf(column, a);
    const y = valueOf(column, b);
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return (x < y ? -1 : 1) * sort.dir;
  });
  const toggle = (key) => setSort(sort.key === key ? { key, dir: -sort.dir } : { key, dir: 1 });
  return html`<table class="grid" data-testid=${testId}>
    <thead><tr>${columns.map((c) => html`<th class=${c.numeric ? 'num sortable' : 'sortable'}
        onClick=${() => toggle(c.key)}>${c.label}${sort.key === c.key ? (sort.dir > 0 ? ' ▲' : ' ▼') : ''}</th>`)}</tr></thead>
    <tbody>${sorted.map((row) => html`<tr key=${rowKey(row)}>${columns.map((c) =>
        html`<td class=${c.numeric ? 'num' : ''}>${c.render ? c.render(row) : valueOf(c, row) ?? ''}</td>`)}</tr>`)}</tbody>
  </table>`;
}

// A process's tags as chips ("team: billing"), each a link: href(tag) with tag as "key:value".
export function TagChips({ tags, href }) {
  const entries = Object.entries(tags || {});
  if (entries.length === 0) return null;
  return html`<span class="tags">${entries.map(([key, value]) => html`<a class="tag" key=${key}
    data-testid="tag" data-tag=${`${key}:${value}`} href=${href(`${key}:${value}`)}
    title=${`processes tagged ${key}:${value}`}>${key}: ${value}</a>`)}</span>`;
}

export function navigate(hash) {
  window.location.hash = hash;
}

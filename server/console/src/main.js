// The console's shell: navigation and a hash router over the pages.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './ui.js';
import { Queues } from './pages/queues.js';
import { Processes } from './pages/processes.js';
import { ProcessDetail } from './pages/process.js';
import { Broken } from './pages/broken.js';
import { Actors } from './pages/actors.js';
import { Metrics } from './pages/metrics.js';
import { Cluster } from './pages/cluster.js';

const pages = [
  { path: 'queues', label: 'Queues', page: Queues },
  { path: 'processes', label: 'Processes', page: Processes },
  { path: 'broken', label: 'Broken', page: Broken },
  { path: 'actors', label: 'Actors', page: Actors },
  { path: 'metrics', label: 'Metrics', page: Metrics },
  { path: 'cluster', label: 'Cluster', page: Cluster },
];

function route() {
  const hash = window.location.hash.replace(/^#\/?/, '');
  const [path, ...rest] = hash.split('/');
  const query = new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '');
  return { path: (path || 'queues').split('?')[0], rest: rest.map((part) => part.split('?')[0]), query };
}

function App() {
  const [current, setCurrent] = useState(route());
  useEffect(() => {
    const onChange = () => setCurrent(route());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  let body;
  if (current.path === 'processes' && current.rest[0]) {
    body = html`<${ProcessDetail} id=${current.rest[0]} />`;
  } else {
    const found = pages.find((p) => p.path === current.path) || pages[0];
    body = html`<${found.page} query=${current.query} />`;
  }
  const active = current.path;
  return html`<div class="shell">
    <header>
      <a class="brand" href="#/queues">Pledge</a>
      <nav>${pages.map((p) => html`<a href=${`#/${p.path}`} class=${active === p.path ? 'active' : ''}>${p.label}</a>`)}</nav>
    </header>
    <main>${body}</main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));

// Cluster: nodes, their address and role, the partitions each owns, and heartbeat age.
import { api } from '../api.js';
import { ago, duration } from '../format.js';
import { ErrorBanner, Loading, html, usePolling } from '../ui.js';

function ranges(partitions) {
  const sorted = [...partitions].sort((a, b) => a - b);
  const parts = [];
  for (let i = 0; i < sorted.length; ++i) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) ++j;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j;
  }
  return parts.join(', ');
}

export function Cluster() {
  const { data, error } = usePolling(() => api('/api/v1/cluster'), 3000);
  return html`<section>
    <h1>Cluster</h1>
    <${ErrorBanner} error=${error} what="read the cluster" />
    ${data === null ? (error ? null : html`<${Loading} />`) : html`<p>${data.partitions} partitions, ${data.nodes.length} node(s)</p>
      <table class="grid" data-testid="cluster">
        <thead><tr><th>Node</th><th>Address</th><th>Role</th><th class="num">Partitions</th><th>Owned</th>
          <th>Heartbeat</th><th>Started</th></tr></thead>
        <tbody>${data.nodes.map((node) => html`<tr key=${node.name}>
          <td><b>${node.name}</b>${node.self ? html` <span class="badge">this node</span>` : null}</td>
          <td class="mono">${node.address}</td><td>${node.role}</td>
          <td class="num">${node.partitions.length}</td><td class="ranges">${ranges(node.partitions)}</td>
          <td>${node.lastHeartbeatMs === 0 ? 'now' : `${duration(node.lastHeartbeatMs)} ago`}</td>
          <td>${ago(node.startedAt)}</td></tr>`)}</tbody>
      </table>`}
  </section>`;
}

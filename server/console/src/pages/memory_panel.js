// The memory budget on the Metrics page (docs/operations.md "Memory budget"): the estimate of
// what this node's live processes take against --memory-budget-mb, and the processes waiting in
// the store for room (the answering node's entry of GET /api/v1/cluster).
import { api } from '../api.js';
import { ErrorBanner, html, usePolling } from '../ui.js';

function mib(bytes) {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

export function MemoryPanel() {
  const { data, error } = usePolling(() => api('/api/v1/cluster'), 5000);
  const self = data?.nodes?.find((node) => node.self);
  if (!self?.memory) {
    return html`<${ErrorBanner} error=${error} what="read the memory budget" />`;
  }
  const { budgetBytes, estimateBytes, processesInMemory, waitingForMemory } = self.memory;
  const share = budgetBytes > 0
    ? Math.min(100, Math.round((100 * estimateBytes) / budgetBytes)) : 0;
  return html`<div class="memory" data-testid="memory">
    <h2>Memory</h2>
    <p data-testid="memory-budget">${budgetBytes > 0
      ? `Live processes take an estimated ${mib(estimateBytes)} of the ${mib(budgetBytes)} budget `
        + `(${share}%).`
      : `Live processes take an estimated ${mib(estimateBytes)}; no budget `
        + '(pledge-server --memory-budget-mb sets one).'}</p>
    ${budgetBytes > 0 ? html`<progress max="100" value=${share}></progress>` : null}
    <table class="grid"><tbody>
      <tr><td>Processes in memory</td><td>${processesInMemory}</td></tr>
      <tr><td>Waiting for memory</td><td data-testid="memory-waiting">${waitingForMemory}</td></tr>
    </tbody></table>
  </div>`;
}

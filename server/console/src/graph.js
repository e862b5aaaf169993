// The process graph: tasks as nodes laid out left to right by dependency (dagre), promise
// arguments as edges (noWait dashed, accepting a failure marked with ?), results forwarded from
// another task dotted, and the decision that created a task as a thin grey edge. Event tasks (✉)
// and timers (◷) are drawn apart: their key or firing time instead of the actor, and the time left.
import dagre from '@dagrejs/dagre';
import { html } from './ui.js';
import { eventKey, eventNames, isEvent, isTimer, keyText, waitShort } from './waits.js';

const NODE_WIDTH = 176;
const NODE_HEIGHT = 58;

function promiseRefs(arg, out) {
  if (arg.promise) out.push(arg);
  if (arg.list) for (const item of arg.list) promiseRefs(item, out);
  return out;
}

// Nodes and edges with positions, from the tasks of GET /api/v1/processes/{id}/tasks.
export function layoutGraph(tasks) {
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 70, marginx: 16, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(tasks.map((t) => t.taskId));
  for (const task of tasks) graph.setNode(task.taskId, { width: NODE_WIDTH, height: NODE_HEIGHT, task });
  const edges = [];
  const add = (from, to, kind, extra = {}) => {
    if (!ids.has(from) || !ids.has(to)) return;
    const name = `${kind}:${edges.length}`;
    graph.setEdge(from, to, { weight: kind === 'created' ? 1 : 2, minlen: 1 }, name);
    edges.push({ from, to, kind, name, ...extra });
  };
  for (const task of tasks) {
    if (task.parentId) add(task.parentId, task.taskId, 'created');
    for (const arg of task.args || []) {
      for (const ref of promiseRefs(arg, [])) {
        add(ref.promise, task.taskId, ref.noWait ? 'nowait' : 'wait', { acceptFail: Boolean(ref.acceptFail) });
      }
    }
    if (task.forwardTo) add(task.forwardTo, task.taskId, 'forward');
  }
  dagre.layout(graph);
  const nodes = tasks.map((task) => {
    const node = graph.node(task.taskId);
    return { id: task.taskId, x: node.x, y: node.y, task };
  });
  const laidEdges = edges.map((edge) => ({ ...edge, points: graph.edge(edge.from, edge.to, edge.name).points }));
  const size = graph.graph();
  return { nodes, edges: laidEdges, width: size.width, height: size.height };
}

function path(points) {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

// At most this many characters on a line of a node (the node's title has everything).
const LINE = 25;
const clip = (text) => (text.length > LINE ? `${text.slice(0, LINE - 1)}…` : text);

// The three lines of a node: title, detail, state.
function nodeLines(task, byId, now) {
  const attempts = task.attempts > 1 ? ` · attempt ${task.attempts}` : '';
  if (isEvent(task)) {
    const wait = waitShort(task, now);
    return [`✉ ${eventNames(task).join(' | ')}`, `key ${keyText(eventKey(task, byId))}`,
      `${task.state}${wait ? ` · ${wait}` : ''}`];
  }
  if (isTimer(task)) {
    return [`◷ ${task.method}`, waitShort(task, now), task.state];
  }
  return [`${task.start ? '▶ ' : ''}${task.method}`, task.actor, `${task.state}${attempts}`];
}

export function ProcessGraph({ tasks, selected, onSelect, now = Date.now() }) {
  const { nodes, edges, width, height } = layoutGraph(tasks);
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  return html`<svg class="process-graph" data-testid="graph" viewBox=${`0 0 ${width} ${height}`}
      width=${width} height=${height} role="img" aria-label="process graph">
    <defs>
      ${['wait', 'nowait', 'forward', 'created'].map((kind) => html`<marker id=${`arrow-${kind}`} viewBox="0 0 10 10"
          refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
        <path d="M0,0 L10,5 L0,10 z" class=${`arrow-${kind}`} /></marker>`)}
    </defs>
    ${edges.map((edge) => html`<path key=${edge.name} class=${`edge edge-${edge.kind}`} data-kind=${edge.kind}
        data-from=${edge.from} data-to=${edge.to} d=${path(edge.points)} marker-end=${`url(#arrow-${edge.kind})`}>
      <title>${edge.kind === 'created' ? 'created by' : edge.kind === 'forward' ? 'result forwarded from'
        : edge.kind === 'nowait' ? 'takes without waiting' : edge.acceptFail ? 'waits for (accepts failure)' : 'waits for'}</title>
    </path>`)}
    ${nodes.map(({ id, x, y, task }) => {
      const [title, detail, state] = nodeLines(task, byId, now);
      return html`<g key=${id} class=${`node node-${task.type} state-${task.state}${task.start ? ' node-start' : ''}${selected === id ? ' selected' : ''}`}
          data-testid="node" data-task=${id} data-method=${task.method} data-state=${task.state} data-type=${task.type}
          transform=${`translate(${x - NODE_WIDTH / 2},${y - NODE_HEIGHT / 2})`} onClick=${() => onSelect(id)}>
        <title>${`${title}\n${detail}\n${state}`}</title>
        <rect width=${NODE_WIDTH} height=${NODE_HEIGHT} rx=${task.type === 'decider' ? 16 : isEvent(task) || isTimer(task) ? 10 : 3} />
        <text x="10" y="20" class="node-method">${clip(title)}</text>
        <text x="10" y="36" class="node-actor">${clip(detail)}</text>
        <text x="10" y="50" class="node-state">${clip(state)}</text>
      </g>`;
    })}
  </svg>`;
}

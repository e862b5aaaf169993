// A workflow definition (Conductor JSON, docs/workflows.md) drawn before anything runs: its tasks
// as nodes top to bottom in their order (dagre), each SWITCH a diamond with one labelled edge per
// case (and the default) into that case's tasks, the cases meeting again at the task after it;
// a FORK_JOIN's lanes side by side until their JOIN; a DO_WHILE a box around its body with an edge
// back from the body's end to its head labelled with the loop condition; a SUB_WORKFLOW links to
// that workflow's page. Shape and colour tell the type (WorkflowLegend). Nodes are keyed by their
// JSON pointer in the definition ("/tasks/2/decisionCases/big/0"), as the server's errors are.
import dagre from '@dagrejs/dagre';
import { html } from './ui.js';

// The shape and class of each task type; label: what the legend says.
const TYPES = {
  SIMPLE: { shape: 'rect', label: 'worker task (SIMPLE)' },
  SWITCH: { shape: 'diamond', label: 'SWITCH / DECISION' },
  FORK_JOIN: { shape: 'bar', label: 'FORK_JOIN' },
  FORK_JOIN_DYNAMIC: { shape: 'bar', label: 'FORK_JOIN_DYNAMIC' },
  JOIN: { shape: 'bar', label: 'JOIN' },
  DO_WHILE: { shape: 'loop', label: 'DO_WHILE (box: its body)' },
  SUB_WORKFLOW: { shape: 'double', label: 'SUB_WORKFLOW' },
  WAIT: { shape: 'pill', label: 'WAIT' },
  HUMAN: { shape: 'pill', label: 'HUMAN' },
  EVENT: { shape: 'pill', label: 'EVENT' },
  INLINE: { shape: 'hexagon', label: 'INLINE' },
  JSON_JQ_TRANSFORM: { shape: 'hexagon', label: 'JSON_JQ_TRANSFORM' },
  SET_VARIABLE: { shape: 'hexagon', label: 'SET_VARIABLE' },
  TERMINATE: { shape: 'octagon', label: 'TERMINATE' },
};

const SIZES = {
  rect: [188, 50], double: [188, 50], pill: [188, 50], hexagon: [188, 50], octagon: [170, 50],
  diamond: [176, 78], bar: [188, 40], loop: [188, 46], circle: [34, 34], loopEnd: [28, 28],
};

export const typeOf = (task) => {
  const type = typeof task.type === 'string' ? task.type : 'SIMPLE';
  return type === 'DECISION' ? 'SWITCH' : type;
};

// A JSON pointer's escaping of one reference token.
const token = (key) => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

// The value at a JSON pointer of the definition (undefined: none).
export function atPointer(definition, pointer) {
  let value = definition;
  for (const part of pointer.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = value[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

// The page of a workflow by name (and version: else the latest).
export const workflowHref = (name, version) =>
  `#/workflows/${encodeURIComponent(name)}${version ? `/${encodeURIComponent(version)}` : ''}`;

// "workflow:NAME#3" -> {name: 'NAME', version: 3}; null for any other actor.
export function workflowOfActor(actor) {
  const match = /^workflow:(.+)#(\d+)$/.exec(actor || '');
  return match ? { name: match[1], version: Number(match[2]) } : null;
}

const LABEL_CHARS = 30;
const clipTo = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
const labelSize = (text) => ({ width: Math.min(text.length, LABEL_CHARS) * 6.6 + 12, height: 18 });

// The two lines a task's node shows, and its link (a SUB_WORKFLOW's workflow).
function describe(task, type) {
  const ref = task.taskReferenceName || task.name || '?';
  const name = task.name && task.name !== ref ? ` · ${task.name}` : '';
  if (type === 'SUB_WORKFLOW') {
    const param = task.subWorkflowParam || {};
    if (param.actor) return { title: ref, detail: `▣ decider ${param.actor}` };
    const version = param.version ? ` v${param.version}` : ' (latest)';
    return { title: ref, detail: `▣ ${param.name}${version}`, link: workflowHref(param.name || '', param.version) };
  }
  if (type === 'SWITCH') return { title: ref, detail: task.type === 'DECISION' ? 'DECISION' : 'SWITCH' };
  if (type === 'DO_WHILE') return { title: `↻ ${ref}`, detail: `DO_WHILE${name}` };
  if (type === 'WAIT') return { title: `◷ ${ref}`, detail: `WAIT${name}` };
  if (type === 'HUMAN') return { title: `✎ ${ref}`, detail: `HUMAN${name}` };
  if (type === 'EVENT') return { title: `✉ ${ref}`, detail: `EVENT → ${task.sink || ''}` };
  if (type === 'FORK_JOIN_DYNAMIC') return { title: ref, detail: `FORK_JOIN_DYNAMIC ${task.dynamicForkTasksParam || ''}` };
  if (type === 'SIMPLE') return { title: ref, detail: task.actor ? `worker ${task.actor}` : `SIMPLE${name}` };
  return { title: ref, detail: `${type}${name}` };
}

// How deep DO_WHILE loops nest in a task list (0: none).
function loopDepth(list) {
  let deepest = 0;
  for (const task of Array.isArray(list) ? list : []) {
    if (!task || typeof task !== 'object') continue;
    const inner = [task.loopOver, task.defaultCase, ...Object.values(task.decisionCases || {}),
      ...(Array.isArray(task.forkTasks) ? task.forkTasks : [])].map(loopDepth);
    deepest = Math.max(deepest, (typeOf(task) === 'DO_WHILE' ? 1 : 0) + Math.max(0, ...inner));
  }
  return deepest;
}

// Nodes, edges and loop boxes with positions, from a definition: {nodes: [{id, x, y, width,
// height, shape, type, task, title, detail, link}], edges: [{from, to, kind: 'flow' | 'case' |
// 'loop', label, points, labelAt}], loops: [{id, x, y, width, height, task}], width, height}.
export function layoutWorkflow(definition) {
  const graph = new dagre.graphlib.Graph({ multigraph: true, compound: true });
  // dagre spaces the ranks of a graph with loop boxes (2 * depth + 1) times further apart (and
  // twice with edge labels): a smaller ranksep keeps them near the spacing of a flat graph.
  const depth = loopDepth(definition.tasks);
  graph.setGraph({ rankdir: 'TB', nodesep: 34, ranksep: Math.max(8, Math.round(56 / (2 * depth + 1))), edgesep: 16, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  const nodes = [];
  const edges = [];
  const loops = [];
  const addNode = (id, shape, parent, extra) => {
    const [width, height] = SIZES[shape];
    graph.setNode(id, { width, height });
    if (parent) graph.setParent(id, parent);
    nodes.push({ id, shape, width, height, ...extra });
  };
  // frontier: where the flow stands, [{id, label, kind}]: each becomes an edge into the next node.
  const connect = (frontier, to) => {
    for (const from of frontier) {
      const name = `e${edges.length}`;
      const label = from.label ? clipTo(from.label, LABEL_CHARS) : '';
      graph.setEdge(from.id, to, label ? { label, ...labelSize(label), labelpos: 'c' } : {}, name);
      edges.push({ from: from.id, to, name, kind: from.kind || 'flow', label, fullLabel: from.label || '' });
    }
  };

  const walk = (list, pointer, entry, parent) => {
    let frontier = entry;
    (Array.isArray(list) ? list : []).forEach((task, index) => {
      if (!task || typeof task !== 'object') return;
      const id = `${pointer}/${index}`;
      const type = typeOf(task);
      const shape = (TYPES[type] || TYPES.SIMPLE).shape;
      if (type === 'DO_WHILE') {
        const box = `${id}#loop`;
        graph.setNode(box, {});
        if (parent) graph.setParent(box, parent);
        loops.push({ id: box, pointer: id, task });
        addNode(id, 'loop', box, { type, task, ...describe(task, type) });
        connect(frontier, id);
        const body = walk(task.loopOver, `${id}/loopOver`, [{ id }], box);
        const end = `${id}#end`;
        addNode(end, 'loopEnd', box, { type: 'LOOP_END', task, title: '', detail: '', loopOf: id });
        connect(body, end);
        connect([{ id: end, label: `while ${task.loopCondition || ''}`, kind: 'loop' }], id);
        frontier = [{ id: end }];
        return;
      }
      addNode(id, shape, parent, { type, task, ...describe(task, type) });
      connect(frontier, id);
      if (type === 'SWITCH') {
        const cases = task.decisionCases && typeof task.decisionCases === 'object' ? task.decisionCases : {};
        frontier = [];
        for (const [value, tasks] of Object.entries(cases)) {
          frontier.push(...walk(tasks, `${id}/decisionCases/${token(value)}`, [{ id, label: value, kind: 'case' }], parent));
        }
        frontier.push(...walk(task.defaultCase, `${id}/defaultCase`, [{ id, label: 'default', kind: 'case' }], parent));
      } else if (type === 'FORK_JOIN') {
        const lanes = Array.isArray(task.forkTasks) ? task.forkTasks : [];
        frontier = [];
        lanes.forEach((lane, i) => frontier.push(...walk(lane, `${id}/forkTasks/${i}`, [{ id }], parent)));
        if (lanes.length === 0) frontier = [{ id }];
      } else if (type === 'FORK_JOIN_DYNAMIC') {
        // The lanes are known at run time only: one stand-in node for them.
        const lanes = `${id}#dynamic`;
        addNode(lanes, 'rect', parent, {
          type: 'DYNAMIC_LANES', task, title: 'tasks at run time', detail: `from ${task.dynamicForkTasksParam || '?'}`,
        });
        connect([{ id }], lanes);
        frontier = [{ id: lanes }];
      } else if (type === 'TERMINATE') {
        frontier = [];  // the workflow ends here: its octagon says so
      } else {
        frontier = [{ id }];
      }
    });
    return frontier;
  };

  addNode('(start)', 'circle', null, { type: 'START', title: 'start', detail: '' });
  const last = walk(definition.tasks, '/tasks', [{ id: '(start)' }], null);
  // No end when every path ends at a TERMINATE.
  if (last.length > 0) {
    addNode('(end)', 'circle', null, { type: 'END', title: 'end', detail: '' });
    connect(last, '(end)');
  }

  dagre.layout(graph);
  for (const node of nodes) Object.assign(node, { x: graph.node(node.id).x, y: graph.node(node.id).y });
  for (const loop of loops) {
    const box = graph.node(loop.id);
    Object.assign(loop, { x: box.x, y: box.y, width: box.width, height: box.height });
  }
  const byId = new Map(nodes.map((node) => [node.id, node]));
  for (const edge of edges) {
    const laid = graph.edge(edge.from, edge.to, edge.name);
    edge.points = touchDiamonds(laid.points, byId.get(edge.from), byId.get(edge.to));
    if (edge.label) edge.labelAt = { x: laid.x, y: laid.y };
  }
  const size = graph.graph();
  return { nodes, edges, loops, width: size.width, height: size.height };
}

// dagre ends edges on a node's bounding box: an edge of a diamond starts at its nearest corner
// (bottom, left or right) and ends at its top corner.
function touchDiamonds(points, from, to) {
  const out = points.map((p) => ({ x: p.x, y: p.y }));
  if (from && from.shape === 'diamond' && out.length > 1) {
    const next = out[1];
    const corners = [{ x: from.x, y: from.y + from.height / 2 }, { x: from.x - from.width / 2, y: from.y },
      { x: from.x + from.width / 2, y: from.y }];
    const distance = (c) => Math.hypot(c.x - next.x, c.y - next.y);
    out[0] = corners.reduce((best, c) => (distance(c) < distance(best) ? c : best));
  }
  if (to && to.shape === 'diamond' && out.length > 1) out[out.length - 1] = { x: to.x, y: to.y - to.height / 2 };
  return out;
}

function path(points) {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

// The outline of a node of this shape, w wide and h high, at (0, 0).
function Shape({ shape, w, h }) {
  if (shape === 'diamond') return html`<polygon class="shape" points=${`${w / 2},0 ${w},${h / 2} ${w / 2},${h} 0,${h / 2}`} />`;
  if (shape === 'hexagon') {
    const c = Math.min(12, h / 3);
    return html`<polygon class="shape" points=${`${c},0 ${w - c},0 ${w},${h / 2} ${w - c},${h} ${c},${h} 0,${h / 2}`} />`;
  }
  if (shape === 'octagon') {
    const c = Math.min(12, h / 3);
    return html`<polygon class="shape" points=${`${c},0 ${w - c},0 ${w},${c} ${w},${h - c} ${w - c},${h} ${c},${h} 0,${h - c} 0,${c}`} />`;
  }
  if (shape === 'circle' || shape === 'loopEnd') return html`<circle class="shape" cx=${w / 2} cy=${h / 2} r=${w / 2} />`;
  if (shape === 'double') {
    return html`<rect class="shape" width=${w} height=${h} rx="3" /><rect class="inner" x="4" y="4" width=${w - 8} height=${h - 8} rx="2" />`;
  }
  const rx = shape === 'pill' ? h / 2 : shape === 'loop' ? 12 : shape === 'bar' ? 6 : 3;
  return html`<rect class="shape" width=${w} height=${h} rx=${rx} />`;
}

const LINE = 24;
const clip = (text) => clipTo(text, LINE);

function NodeText({ node }) {
  const { shape, width: w, height: h } = node;
  if (shape === 'circle') return html`<text x=${w / 2} y=${h / 2 + 4} text-anchor="middle" class="node-small">${node.title}</text>`;
  if (shape === 'loopEnd') return html`<text x=${w / 2} y=${h / 2 + 5} text-anchor="middle" class="node-title">↻</text>`;
  if (shape === 'diamond') {
    return html`<text x=${w / 2} y=${h / 2 - 2} text-anchor="middle" class="node-title">${clipTo(node.title, 16)}</text>
      <text x=${w / 2} y=${h / 2 + 13} text-anchor="middle" class="node-detail">${node.detail}</text>`;
  }
  const x = shape === 'hexagon' || shape === 'octagon' ? 16 : 10;
  const top = shape === 'bar' ? 16 : 20;
  return html`<text x=${x} y=${top} class="node-title">${clip(node.title)}</text>
    ${node.link
      ? html`<a href=${node.link} data-testid="wf-sub-link" onClick=${(event) => event.stopPropagation()}>
          <text x=${x} y=${top + 17} class="node-detail node-link">${clip(node.detail)}</text></a>`
      : html`<text x=${x} y=${top + 17} class="node-detail">${clip(node.detail)}</text>`}`;
}

// The definition's graph; selected: the pointer of the selected task, onSelect(pointer).
export function WorkflowGraph({ definition, selected, onSelect }) {
  const { nodes, edges, loops, width, height } = layoutWorkflow(definition);
  return html`<svg class="workflow-graph" data-testid="wf-graph" viewBox=${`0 0 ${width} ${height}`}
      width=${width} height=${height} role="img" aria-label="workflow graph">
    <defs>
      ${['flow', 'case', 'loop'].map((kind) => html`<marker id=${`wf-arrow-${kind}`} viewBox="0 0 10 10"
          refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
        <path d="M0,0 L10,5 L0,10 z" class=${`arrow-${kind}`} /></marker>`)}
    </defs>
    ${loops.map((loop) => html`<g key=${loop.id} class="wf-loop" data-testid="wf-loop" data-pointer=${loop.pointer}
        data-ref=${loop.task.taskReferenceName}>
      <rect x=${loop.x - loop.width / 2} y=${loop.y - loop.height / 2} width=${loop.width} height=${loop.height} rx="10" />
      <text x=${loop.x - loop.width / 2 + 8} y=${loop.y - loop.height / 2 + 13}>loop ${loop.task.taskReferenceName}</text>
    </g>`)}
    ${edges.map((edge) => html`<path key=${edge.name} class=${`wf-edge wf-edge-${edge.kind}`} data-testid="wf-edge"
        data-kind=${edge.kind} data-from=${edge.from} data-to=${edge.to} d=${path(edge.points)}
        marker-end=${`url(#wf-arrow-${edge.kind})`}>${edge.fullLabel ? html`<title>${edge.fullLabel}</title>` : null}</path>`)}
    ${edges.filter((edge) => edge.label).map((edge) => {
      const { width: w } = labelSize(edge.label);
      return html`<g key=${`${edge.name}-label`} class=${`wf-edge-label wf-label-${edge.kind}`} data-testid="wf-edge-label"
          data-kind=${edge.kind} data-from=${edge.from} transform=${`translate(${edge.labelAt.x - w / 2},${edge.labelAt.y - 9})`}>
        <title>${edge.fullLabel}</title>
        <rect width=${w} height="18" rx="4" />
        <text x=${w / 2} y="13" text-anchor="middle">${edge.label}</text>
      </g>`;
    })}
    ${nodes.map((node) => {
      const task = node.task && node.type !== 'LOOP_END' && node.type !== 'DYNAMIC_LANES' ? node.task : null;
      const pointer = task ? node.id : node.loopOf || null;
      return html`<g key=${node.id} class=${`wf-node wf-${node.type}${selected && selected === node.id ? ' selected' : ''}`}
          data-testid="wf-node" data-pointer=${node.id} data-type=${node.type}
          data-ref=${task ? task.taskReferenceName : undefined}
          transform=${`translate(${node.x - node.width / 2},${node.y - node.height / 2})`}
          onClick=${pointer && onSelect ? () => onSelect(pointer) : undefined}>
        <title>${task ? `${node.title}\n${node.detail}\n${node.id}` : node.type === 'LOOP_END' ? 'end of the loop body' : node.title}</title>
        <${Shape} shape=${node.shape} w=${node.width} h=${node.height} />
        <${NodeText} node=${node} />
      </g>`;
    })}
  </svg>`;
}

// What the shapes and colours mean.
export function WorkflowLegend() {
  const item = (type, shape) => html`<span class="wf-legend-item" key=${type}>
    <svg width="26" height="16" viewBox="-2 -2 30 20" class="workflow-graph"><g class=${`wf-node wf-${type}`}>
      <${Shape} shape=${shape === 'circle' ? 'circle' : shape} w=${shape === 'circle' || shape === 'loopEnd' ? 16 : 26} h=${16} />
    </g></svg>${(TYPES[type] || {}).label || type.toLowerCase()}</span>`;
  return html`<div class="legend wf-legend" data-testid="wf-legend">
    ${Object.entries(TYPES).map(([type, { shape }]) => item(type, shape))}
    <span class="wf-legend-item"><span class="line case"></span>a case</span>
    <span class="wf-legend-item"><span class="line loop"></span>loops while</span>
  </div>`;
}

// The timeline (Gantt chart) of a process: one row per task that ran, a light bar from ready to
// started (waiting in its queue) and a solid one from started to ended.
import { duration } from './format.js';
import { html } from './ui.js';

const ROW = 22;
const LABEL = 200;
const WIDTH = 900;

export function Timeline({ tasks, now, onSelect }) {
  const ran = tasks.filter((t) => t.startedAt);
  if (ran.length === 0) return html`<div class="empty">No task has run yet.</div>`;
  const begin = Math.min(...tasks.map((t) => t.createdAt || Infinity));
  const end = Math.max(...ran.map((t) => t.endedAt || now), begin + 1);
  const scale = (WIDTH - LABEL - 60) / (end - begin);
  const x = (at) => LABEL + (at - begin) * scale;
  return html`<svg class="timeline" data-testid="timeline" width=${WIDTH} height=${ran.length * ROW + 24}>
    ${ran.map((task, i) => {
      const y = i * ROW + 4;
      const finished = task.endedAt || now;
      return html`<g key=${task.taskId} class=${`bar state-${task.state}`} onClick=${() => onSelect(task.taskId)}>
        <text x="4" y=${y + 14} class="bar-label">${task.method}</text>
        ${task.readyAt && task.readyAt < task.startedAt ? html`<rect class="bar-wait" x=${x(task.readyAt)} y=${y + 4}
            width=${Math.max(1, (task.startedAt - task.readyAt) * scale)} height="10"><title>queued ${duration(task.startedAt - task.readyAt)}</title></rect>` : null}
        <rect class="bar-run" x=${x(task.startedAt)} y=${y + 2} width=${Math.max(2, (finished - task.startedAt) * scale)} height="14">
          <title>${task.method}: ran ${duration(finished - task.startedAt)}</title></rect>
        <text x=${x(finished) + 4} y=${y + 14} class="bar-time">${duration(finished - task.startedAt)}</text>
      </g>`;
    })}
    <text x=${LABEL} y=${ran.length * ROW + 20} class="axis">0</text>
    <text x=${WIDTH - 60} y=${ran.length * ROW + 20} class="axis" text-anchor="end">${duration(end - begin)}</text>
  </svg>`;
}

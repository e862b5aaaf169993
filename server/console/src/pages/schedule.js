// One schedule (GET /api/v1/schedules/{id}): its definition, its next fire times (in its zone
// and in this browser's), its recent fires each linking to the process it started (a skipped
// fire, which started none, marked), and the operators' buttons.
import { api } from '../api.js';
import { ago, clock, json } from '../format.js';
import { ErrorBanner, Loading, html, navigate, usePolling } from '../ui.js';
import { ScheduleActions, ScheduleState, schedulePath } from '../schedule_actions.js';
import { durationText, zonedTime } from '../schedule_rules.js';
import { FireTime, Rule } from './schedules.js';

const OVERLAP_WORDS = {
  skip: 'skip: a fire while its last process runs starts nothing',
  bufferOne: 'buffer one: a fire while its last process runs starts when it ends (one at most)',
  allow: 'allow: every fire starts a process',
};

function Definition({ schedule }) {
  const row = (label, value) => html`<tr><th>${label}</th><td>${value}</td></tr>`;
  const start = schedule.start || {};
  return html`<table class="facts schedule-definition" data-testid="schedule-definition">
    ${row('Rule', html`<${Rule} cron=${schedule.cron} />`)}
    ${row('Time zone', schedule.timeZone)}
    ${row('Starts', html`<b>${start.actor}</b>.${start.method}${start.taskList ? ` on task list ${start.taskList}` : ''}`)}
    ${row('Arguments', html`<pre data-testid="schedule-start-args">${json(start.args)}</pre>`)}
    ${row('Overlap', OVERLAP_WORDS[schedule.overlap] || schedule.overlap)}
    ${row('Catch-up window', schedule.catchupWindowMs ? durationText(schedule.catchupWindowMs) : 'none')}
    ${row('Jitter', schedule.jitterMs ? `up to ${durationText(schedule.jitterMs)}` : 'none')}
    ${schedule.note ? row('Note', schedule.note) : null}
    ${schedule.createdAt ? row('Created', clock(schedule.createdAt)) : null}
  </table>`;
}

function Upcoming({ schedule, now }) {
  const times = schedule.upcoming || [];
  if (schedule.paused) return html`<p class="hint" data-testid="upcoming-paused">Paused: it fires again once resumed.</p>`;
  if (times.length === 0) return html`<p class="hint">Its rule fires no more.</p>`;
  return html`<table class="grid" data-testid="upcoming">
    <thead><tr><th>In</th><th>${schedule.timeZone}</th><th>This browser's time</th></tr></thead>
    <tbody>${times.map((at) => html`<tr key=${at} data-testid="upcoming-fire">
      <td>${ago(at, now)}</td><td>${zonedTime(at, schedule.timeZone)}</td><td>${clock(at)}</td></tr>`)}</tbody>
  </table>`;
}

function Recent({ schedule, now }) {
  const fires = schedule.recent || [];
  if (fires.length === 0) return html`<p class="hint" data-testid="no-recent">It has not fired yet.</p>`;
  return html`<table class="grid" data-testid="recent">
    <thead><tr><th>Fire</th><th>${schedule.timeZone}</th><th>Process</th></tr></thead>
    <tbody>${fires.map((fire, i) => html`<tr key=${`${fire.fireAt}-${i}`} data-testid="recent-fire"
        data-skipped=${fire.skipped ? 'true' : 'false'}>
      <td title=${clock(fire.fireAt)}>${ago(fire.fireAt, now)}</td>
      <td>${zonedTime(fire.fireAt, schedule.timeZone)}</td>
      <td>${fire.skipped
        ? html`<span class="badge skipped" data-testid="skipped" title="its last process still ran (overlap skip)">skipped</span>`
        : fire.processId ? html`<a class="mono" data-testid="recent-process" href=${`#/processes/${fire.processId}`}>${fire.processId}</a>`
        : html`<span class="muted">—</span>`}</td>
    </tr>`)}</tbody>
  </table>`;
}

export function ScheduleDetail({ id }) {
  const { data, error, reload, setData } = usePolling(() => api(schedulePath(id)), 2000, [id]);
  if (!data) return html`<section><${ErrorBanner} error=${error} what="read the schedules" />${error ? null : html`<${Loading} />`}</section>`;
  const now = Date.now();
  const changed = (schedule) => {
    if (schedule && schedule.id) setData((d) => ({ ...d, ...schedule }));
    reload();
  };
  return html`<section>
    <h1>Schedule <span data-testid="schedule-id">${data.id}</span> <${ScheduleState} schedule=${data} /></h1>
    <${ErrorBanner} error=${error} what="read the schedules" />
    <div class="summary">
      <div>next fire <${FireTime} at=${data.nextFireAt} zone=${data.timeZone} now=${now} testId="next-fire" /></div>
      <div>last fire ${data.lastProcessId
        ? html`<a data-testid="last-fire" href=${`#/processes/${data.lastProcessId}`}>${ago(data.lastFireAt, now)}</a>`
        : 'never'}</div>
      ${data.bufferedFireAt ? html`<div data-testid="buffered">a fire of ${clock(data.bufferedFireAt)} waits for the last process</div>` : null}
      <div class="actions"><${ScheduleActions} schedule=${data} onChanged=${changed} onDeleted=${() => navigate('#/schedules')} /></div>
    </div>
    <h2>Definition</h2>
    <${Definition} schedule=${data} />
    <h2>Next fires</h2>
    <${Upcoming} schedule=${data} now=${now} />
    <h2>Recent fires</h2>
    <${Recent} schedule=${data} now=${now} />
  </section>`;
}

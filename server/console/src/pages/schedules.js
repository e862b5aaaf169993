// Schedules: every schedule (GET /api/v1/schedules) with its rule in words, time zone, next fire
// (when, and in how long), last fire linking to its process, paused or active; for operators and
// admins the Pause/Resume, Trigger and Delete buttons of each and the form that creates one.
import { api } from '../api.js';
import { ago, clock } from '../format.js';
import { may, useSession } from '../session.js';
import { Empty, ErrorBanner, Loading, html, usePolling } from '../ui.js';
import { ScheduleActions, ScheduleState } from '../schedule_actions.js';
import { CreateSchedule } from '../schedule_form.js';
import { describeRule, scheduleHref, zonedTime } from '../schedule_rules.js';

// A rule and its words.
export function Rule({ cron }) {
  const rule = describeRule(cron);
  return html`<span class="mono" data-testid="schedule-cron">${cron}</span>
    <div class=${rule.error ? 'hint rule-error' : 'rule-text'} data-testid="schedule-description">${rule.error || rule.text}</div>`;
}

// When a fire is (was) due: relative, with the wall clock of the schedule's zone and the
// browser's.
export function FireTime({ at, zone, now, testId }) {
  if (!at) return html`<span class="muted" data-testid=${testId}>—</span>`;
  return html`<span data-testid=${testId} title=${`${clock(at)} (this browser's time)`}>${ago(at, now)}
    <div class="hint">${zonedTime(at, zone)} ${zone}</div></span>`;
}

export function Schedules() {
  const operate = may(useSession(), 'operate');
  const { data, error, reload, setData } = usePolling(() => api('/api/v1/schedules'), 3000);
  const now = Date.now();
  const replace = (schedule) => {
    if (schedule && schedule.id) {
      setData((d) => (d ? { ...d, items: d.items.map((s) => (s.id === schedule.id ? schedule : s)) } : d));
    }
    reload();
  };
  const items = data ? data.items : [];
  return html`<section>
    <h1>Schedules <span class="hint">processes started on a cron rule; see docs/operations.md</span></h1>
    <${ErrorBanner} error=${error} what="read the schedules" />
    ${data === null ? (error ? null : html`<${Loading} />`)
      : items.length === 0 ? html`<${Empty}>No schedule yet.${operate ? ' Create one below.' : ''}<//>`
      : html`<table class="grid" data-testid="schedules">
          <thead><tr><th>Id</th><th>Rule</th><th>Zone</th><th>Next fire</th><th>Last fire</th><th>State</th>
            <th>Overlap</th>${operate ? html`<th></th>` : null}</tr></thead>
          <tbody>${items.map((s) => html`<tr key=${s.id} data-testid="schedule-row" data-id=${s.id}>
            <td><a href=${scheduleHref(s.id)} data-testid="schedule-link"><b>${s.id}</b></a>${s.note
              ? html`<div class="hint">${s.note}</div>` : null}</td>
            <td><${Rule} cron=${s.cron} /></td>
            <td>${s.timeZone}</td>
            <td><${FireTime} at=${s.nextFireAt} zone=${s.timeZone} now=${now} testId="next-fire" /></td>
            <td>${s.lastProcessId
              ? html`<a data-testid="last-fire" href=${`#/processes/${s.lastProcessId}`} title=${clock(s.lastFireAt)}>${ago(s.lastFireAt, now)}</a>`
              : html`<span class="muted" data-testid="last-fire">never</span>`}</td>
            <td><${ScheduleState} schedule=${s} /></td>
            <td>${s.overlap}</td>
            ${operate ? html`<td><${ScheduleActions} schedule=${s} onChanged=${replace} onDeleted=${reload} /></td>` : null}
          </tr>`)}</tbody>
        </table>`}
    ${operate ? html`<${CreateSchedule} onCreated=${reload} />` : null}
  </section>`;
}

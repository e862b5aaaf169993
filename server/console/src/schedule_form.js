// The form that creates a schedule (POST /api/v1/schedules), for operators and admins: its id,
// its cron rule with a live description (or what is wrong with it), time zone, overlap,
// catch-up window, jitter, and the process each fire starts: actor, method and arguments (JSON
// array), or for a workflow:NAME actor its input (a JSON object). The server checks it all again
// and its refusal names the field.
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { ErrorBanner, html } from './ui.js';
import { OVERLAPS, describeRule, knownZones, parseDuration, scheduleHref } from './schedule_rules.js';

const EMPTY = {
  id: '', cron: '', timeZone: 'UTC', overlap: 'skip', catchup: '', jitter: '', actor: '', method: '',
  args: '', taskList: '', note: '', paused: false,
};

const isWorkflow = (actor) => actor.trim().startsWith('workflow:');

// The POST body of the form, or {problem} saying which field is wrong.
export function scheduleBody(form) {
  const catchupWindowMs = parseDuration(form.catchup);
  if (catchupWindowMs === null) return { problem: 'Catch-up window: a duration such as 1h, 30m or 90s (empty: none).' };
  const jitterMs = parseDuration(form.jitter);
  if (jitterMs === null) return { problem: 'Jitter: a duration such as 30s or 5m (empty: none).' };
  const workflow = isWorkflow(form.actor);
  let args;
  try {
    args = form.args.trim() === '' ? (workflow ? {} : []) : JSON.parse(form.args);
  } catch (error) {
    return { problem: `${workflow ? 'Input' : 'Arguments'}: not valid JSON (${error.message}).` };
  }
  if (workflow && (args === null || typeof args !== 'object' || Array.isArray(args))) {
    return { problem: 'Input: a workflow\'s input is one JSON object, e.g. {"day": "today"}.' };
  }
  if (!workflow && !Array.isArray(args)) {
    return { problem: 'Arguments: a JSON array of the method\'s arguments, e.g. ["user-1", 3].' };
  }
  const method = form.method.trim() || (workflow ? 'execute' : '');
  if (method === '') return { problem: 'Method: the decider\'s execute method, e.g. start.' };
  const start = { actor: form.actor.trim(), method, args: workflow ? [args] : args };
  if (form.taskList.trim()) start.taskList = form.taskList.trim();
  const body = {
    id: form.id.trim(), cron: form.cron.trim(), timeZone: form.timeZone.trim() || 'UTC', start,
    overlap: form.overlap, catchupWindowMs, jitterMs, paused: form.paused,
  };
  if (form.note.trim()) body.note = form.note.trim();
  return { body };
}

export function CreateSchedule({ onCreated }) {
  const [form, setForm] = useState(EMPTY);
  const [problem, setProblem] = useState(null);
  const [error, setError] = useState(null);
  const [created, setCreated] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (field) => (event) => {
    const value = event.target.type === 'checkbox' ? event.target.checked : event.target.value;
    setForm({ ...form, [field]: value });
    setProblem(null);
  };
  const rule = describeRule(form.cron);
  const workflow = isWorkflow(form.actor);
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setCreated(null);
    const { body, problem: wrong } = scheduleBody(form);
    if (wrong) {
      setProblem(wrong);
      return;
    }
    setBusy(true);
    try {
      setCreated(await api('/api/v1/schedules', { method: 'POST', body }));
      setForm(EMPTY);
      onCreated();
    } catch (failure) {
      setError(failure);
    }
    setBusy(false);
  };
  const field = (name, label, attributes = {}, hint = null) => html`
    <label for=${`schedule-${name}`}>${label}</label>
    <input id=${`schedule-${name}`} data-testid=${`schedule-${name}`} value=${form[name]} onInput=${set(name)}
      autocomplete="off" ...${attributes} />
    ${hint ? html`<span class="hint">${hint}</span>` : null}`;
  return html`<form class="wf-form schedule-form" data-testid="create-schedule" onSubmit=${submit}
      aria-labelledby="create-schedule-title">
    <h2 id="create-schedule-title">Create a schedule</h2>
    <div class="columns">
      <div class="column">
        ${field('id', 'Id', { required: true, placeholder: 'nightly-report' }, 'Letters, digits, _ . and -.')}
        ${field('cron', 'Rule', { required: true, placeholder: '0 2 * * *', class: 'mono' })}
        <span class=${form.cron.trim() !== '' && rule.error ? 'hint rule-error' : 'hint rule-text'} data-testid="cron-preview"
          aria-live="polite">${form.cron.trim() === '' ? 'minute hour day-of-month month day-of-week (seconds first with 6 fields), @daily, @every 10m…'
            : rule.error || rule.text}</span>
        <label for="schedule-timeZone">Time zone</label>
        <input id="schedule-timeZone" data-testid="schedule-timeZone" list="schedule-zones" value=${form.timeZone}
          onInput=${set('timeZone')} autocomplete="off" />
        <datalist id="schedule-zones">${knownZones().map((zone) => html`<option value=${zone} />`)}</datalist>
        <label for="schedule-overlap">While its last process still runs</label>
        <select id="schedule-overlap" data-testid="schedule-overlap" value=${form.overlap} onChange=${set('overlap')}>
          ${OVERLAPS.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
        </select>
        ${field('catchup', 'Catch-up window', { placeholder: '1h' }, 'Fires missed while no server ran and younger than this start on return (empty: none).')}
        ${field('jitter', 'Jitter', { placeholder: '30s' }, 'Each fire waits a random time up to this long (empty: none).')}
      </div>
      <div class="column">
        ${field('actor', 'Actor', { required: true, placeholder: 'Report#1.0 or workflow:NAME' })}
        ${field('method', 'Method', { placeholder: workflow ? 'execute' : 'start' })}
        <label for="schedule-args">${workflow ? 'Input (a JSON object)' : 'Arguments (a JSON array)'}</label>
        <textarea id="schedule-args" data-testid="schedule-args" rows="4" value=${form.args} onInput=${set('args')}
          spellcheck="false" placeholder=${workflow ? '{"day": "today"}' : '["daily", 3]'}></textarea>
        ${field('taskList', 'Task list', { placeholder: '(default)' })}
        ${field('note', 'Note', { placeholder: 'what it is for' })}
        <label class="check"><input type="checkbox" data-testid="schedule-paused" checked=${form.paused}
          onChange=${set('paused')} /> Create it paused</label>
      </div>
    </div>
    <div><button type="submit" class="primary" data-testid="create-schedule-button" disabled=${busy}>Create</button></div>
    ${problem ? html`<div class="banner error" role="alert" data-testid="schedule-problem">${problem}</div>` : null}
    <${ErrorBanner} error=${error} what="create schedules" />
    ${created ? html`<div class="banner info" role="status" data-testid="schedule-created">Created${' '}<a
      href=${scheduleHref(created.id)}>${created.id}</a>.</div>` : null}
  </form>`;
}

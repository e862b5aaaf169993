// What an operator or admin does to a schedule, on the schedules list and a schedule's page:
// Pause or Resume, Trigger (starts its process now, whatever its pause and overlap; the answer
// links to the process) and Delete (asked again before it is done). A viewer gets none of these
// buttons (the server would refuse them: 403).
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { may, useSession } from './session.js';
import { ErrorBanner, html } from './ui.js';

export const schedulePath = (id) => `/api/v1/schedules/${encodeURIComponent(id)}`;

// The paused or active badge of a schedule.
export function ScheduleState({ schedule }) {
  return schedule.paused
    ? html`<span class="badge paused" data-testid="schedule-state" title="paused: its rule starts no process">paused</span>`
    : html`<span class="badge state-active" data-testid="schedule-state">active</span>`;
}

// onChanged(schedule or null): after a pause, resume or trigger (with the schedule as answered,
// when the server answered one); onDeleted(): after a delete.
export function ScheduleActions({ schedule, onChanged, onDeleted }) {
  const [error, setError] = useState(null);
  const [triggered, setTriggered] = useState(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!may(useSession(), 'operate')) return null;
  const path = schedulePath(schedule.id);
  const run = async (work) => {
    setError(null);
    setBusy(true);
    try {
      await work();
    } catch (failure) {
      setError(failure);
    }
    setBusy(false);
  };
  const pauseOrResume = () => run(async () => {
    onChanged(await api(`${path}/${schedule.paused ? 'resume' : 'pause'}`, { method: 'POST' }));
  });
  const trigger = () => run(async () => {
    setTriggered(await api(`${path}/trigger`, { method: 'POST' }));
    onChanged(null);
  });
  const remove = () => run(async () => {
    await api(path, { method: 'DELETE' });
    setConfirming(false);
    onDeleted();
  });
  return html`<div class="schedule-actions">
    <div class="buttons">
      ${schedule.paused
        ? html`<button data-testid="schedule-resume" disabled=${busy} onClick=${pauseOrResume}>Resume</button>`
        : html`<button data-testid="schedule-pause" disabled=${busy} onClick=${pauseOrResume}>Pause</button>`}
      <button data-testid="schedule-trigger" disabled=${busy} onClick=${trigger}
        title="start its process now, whatever its pause and overlap">Trigger</button>
      ${confirming
        ? html`<span class="confirm">Delete ${schedule.id}?
            <button class="danger" data-testid="schedule-delete-confirm" disabled=${busy} onClick=${remove}>Yes, delete</button>
            <button onClick=${() => setConfirming(false)}>Keep it</button></span>`
        : html`<button class="danger" data-testid="schedule-delete" disabled=${busy} onClick=${() => setConfirming(true)}>Delete</button>`}
    </div>
    ${triggered ? html`<div class="banner info" role="status" data-testid="trigger-answer">Started process${' '}<a
      class="mono" data-testid="triggered-process" href=${`#/processes/${triggered.processId}`}>${triggered.processId}</a></div>` : null}
    <${ErrorBanner} error=${error} what="pause, resume, trigger or delete schedules" />
  </div>`;
}

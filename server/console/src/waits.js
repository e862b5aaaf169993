// Event and timer tasks (docs/events.md) as the console shows them: the events a task waits for,
// its correlation key, its deadline, when a timer fires, and the (name, key) pairs a process
// listens for now (what the send-event form offers).
import { clock, duration, shortId } from './format.js';

export const isEvent = (task) => task.type === 'event';
export const isTimer = (task) => task.type === 'timer';
export const isWait = (task) => isEvent(task) || isTimer(task);

// The names an event task waits for: its method, then the names of its second argument (a task
// that waits for the first of several events).
export function eventNames(task) {
  const more = task.args && task.args[1] && Array.isArray(task.args[1].value) ? task.args[1].value : [];
  return [task.method, ...more.filter((name) => typeof name === 'string')];
}

// The value a task's promise resolved with (following forwarded results), or undefined.
function settledValue(id, byId) {
  let task = byId.get(id);
  for (let hops = 0; task && hops < 32; ++hops) {
    if (task.state !== 'completed') return undefined;
    if (!task.forwardTo) return task.result;
    task = byId.get(task.forwardTo);
  }
  return undefined;
}

// An event task's correlation key: {value} when known (given, or its promise resolved with a
// text), with from: the task it came from when it was a promise; {value: null, from, fromId} while
// that promise is pending.
export function eventKey(task, byId) {
  const arg = task.args && task.args[0];
  if (!arg) return { value: '' };
  if (arg.promise) {
    const from = byId.get(arg.promise) || null;
    const value = settledValue(arg.promise, byId);
    return { value: typeof value === 'string' ? value : null, from, fromId: arg.promise };
  }
  if (typeof arg.value === 'string') return { value: arg.value };
  return { value: arg.value === undefined ? null : JSON.stringify(arg.value) };
}

// "order-42"; "from getOrder (3f2a9c01)" while the key is the pending promise of another task.
export function keyText(key) {
  const from = key.fromId ? `from ${key.from ? key.from.method : 'task'} (${shortId(key.fromId)})` : '';
  if (key.value === null) return from || '—';
  const value = key.value === '' ? '""' : key.value;
  return from ? `${value} ${from}` : value;
}

// When a listening event task times out (epoch ms), or null: no time-out, or none known. A view
// with "deadline" says it (null: none); otherwise it is readyAt + timeoutMs, which the task views
// report even for a task without a time-out (the default lease): a deadline that passed while the
// task still listens is then not a real one (a real one would have timed it out).
export function eventDeadline(task, now) {
  if (task.state !== 'listening') return null;
  if ('deadline' in task) return task.deadline || null;
  if (!task.timeoutMs || !task.readyAt) return null;
  const deadline = task.readyAt + task.timeoutMs;
  return deadline > now ? deadline : null;
}

const timeOnly = (at) => new Date(at).toLocaleTimeString();

// A short line on what an event or timer task waits for now ("9 min 58 s left", "fires 14:02:11").
export function waitShort(task, now) {
  if (isTimer(task)) {
    if (task.state === 'scheduled' && task.notBefore) return `fires ${timeOnly(task.notBefore)}`;
    if (task.state === 'completed') return `fired ${timeOnly(task.endedAt || task.result)}`;
    return task.timeoutMs ? `after ${duration(task.timeoutMs)}` : '';
  }
  if (task.state === 'listening') {
    const deadline = eventDeadline(task, now);
    return deadline ? `${duration(Math.max(0, deadline - now))} left` : 'waiting';
  }
  if (task.state === 'waiting') return 'key not known yet';
  return '';
}

// The long form, for the list of waits and the task panel.
export function waitLong(task, now) {
  if (isTimer(task)) {
    if (task.state === 'scheduled' && task.notBefore) return `fires at ${clock(task.notBefore)} (in ${duration(Math.max(0, task.notBefore - now))})`;
    if (task.state === 'completed') return `fired at ${clock(task.endedAt || task.result)}`;
    if (task.state === 'waiting') return `fires ${duration(task.timeoutMs)} after its arguments are ready`;
    return '';
  }
  if (task.state === 'listening') {
    const deadline = eventDeadline(task, now);
    return deadline ? `times out at ${clock(deadline)} (in ${duration(Math.max(0, deadline - now))})` : 'no time-out known: waits until the event comes';
  }
  if (task.state === 'waiting') return 'listens once its key is known';
  if (task.state === 'completed') return `came at ${clock(task.endedAt)}`;
  if (task.state === 'failed' && task.error && task.error.type === 'pledge.Timeout') return `timed out at ${clock(task.endedAt)}`;
  return '';
}

// The (name, key) pairs the listening event tasks of a process wait for, in task order.
export function listeningChoices(tasks) {
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  const choices = [];
  for (const task of tasks) {
    if (!isEvent(task) || task.state !== 'listening') continue;
    const key = eventKey(task, byId);
    if (key.value === null) continue;
    for (const name of eventNames(task)) choices.push({ name, key: key.value, taskId: task.taskId });
  }
  return choices;
}

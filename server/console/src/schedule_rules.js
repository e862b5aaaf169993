// Schedules in words: a cron rule described by cronstrue ("At 02:00, Monday through Friday"),
// "@every 10m" described here (cronstrue knows no such rule), durations typed as "1h 30m", and
// fire times in the schedule's own time zone. Pure functions, shared by pages/schedules.js and
// pages/schedule.js.
import cronstrue from 'cronstrue';

// The milliseconds of a unit as the server reads it (core/src/duration.cpp); 0 when unknown.
function unitMs(unit) {
  if (unit === 'ms') return 1;
  if (unit === 's' || unit.startsWith('sec')) return 1000;
  if (unit === 'm' || unit.startsWith('min')) return 60000;
  if (unit === 'h' || unit.startsWith('hour') || unit.startsWith('hr')) return 3600000;
  if (unit === 'd' || unit.startsWith('day')) return 86400000;
  return 0;
}

// "90s", "1h 30m", "250ms", "1 day 2 hours" as milliseconds; null when the text is none of
// these. An empty text is 0.
export function parseDuration(text) {
  const trimmed = (text || '').trim();
  if (trimmed === '') return 0;
  const part = /(\d+)\s*([a-z]+)\s*/gy;
  let total = 0;
  let at = 0;
  for (let match = part.exec(trimmed); match; match = part.exec(trimmed)) {
    if (!unitMs(match[2])) return null;
    total += Number(match[1]) * unitMs(match[2]);
    at = part.lastIndex;
  }
  return at === trimmed.length && at > 0 ? total : null;
}

// Milliseconds as the shortest exact text parseDuration reads back: 5400000 -> "1h 30m".
export function durationText(ms) {
  if (!ms) return '0';
  const parts = [];
  let left = ms;
  for (const [unit, size] of [['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000], ['ms', 1]]) {
    if (left >= size) {
      parts.push(`${Math.floor(left / size)}${unit}`);
      left %= size;
    }
  }
  return parts.join(' ');
}

// A rule in words: {text} or {error} saying what is wrong. The server checks the rule itself
// (and names the field when it refuses it); this is a preview while typing.
export function describeRule(rule) {
  const trimmed = (rule || '').trim();
  if (trimmed === '') return { error: 'Write a rule, e.g. 0 2 * * * (every day at 02:00).' };
  const every = /^@every\s+(.+)$/.exec(trimmed);
  if (every) {
    const ms = parseDuration(every[1]);
    if (!ms) return { error: `@every takes a duration such as 10m, 1h or 90s, not "${every[1]}".` };
    return { text: `Every ${durationText(ms)}` };
  }
  const fields = trimmed.split(/\s+/).length;
  if (!trimmed.startsWith('@') && fields !== 5 && fields !== 6) {
    return { error: `A rule has 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), not ${fields}.` };
  }
  try {
    return { text: cronstrue.toString(trimmed, { use24HourTimeFormat: true, throwExceptionOnParseError: true }) };
  } catch (error) {
    return { error: String(error && error.message ? error.message : error).replace(/^Error: /, '') };
  }
}

// Epoch ms as the wall clock of zone ("2026-12-05 02:00"); the browser's zone when zone is not
// one it knows.
export function zonedTime(at, zone) {
  if (!at) return '—';
  const options = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  let parts;
  try {
    parts = new Intl.DateTimeFormat('en-CA', { ...options, timeZone: zone || 'UTC' }).formatToParts(new Date(at));
  } catch (error) {
    parts = new Intl.DateTimeFormat('en-CA', options).formatToParts(new Date(at));
  }
  const get = (type) => (parts.find((p) => p.type === type) || {}).value;
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

// The time zones the browser knows, for the form's suggestions.
export function knownZones() {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch (error) {
    return ['UTC'];
  }
}

export const OVERLAPS = [
  { value: 'skip', label: 'skip: no new process while the last one runs' },
  { value: 'bufferOne', label: 'buffer one: start one more when the last one ends' },
  { value: 'allow', label: 'allow: start every fire' },
];

export const scheduleHref = (id) => `#/schedules/${encodeURIComponent(id)}`;

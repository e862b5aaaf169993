// Small formatting helpers shared by the pages.

export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3600000) return `${Math.floor(ms / 60000)} min ${Math.floor((ms % 60000) / 1000)} s`;
  return `${Math.floor(ms / 3600000)} h ${Math.floor((ms % 3600000) / 60000)} min`;
}

export function ago(at, now = Date.now()) {
  if (!at) return '—';
  const delta = now - at;
  if (delta < 0) return `in ${duration(-delta)}`;
  if (delta < 1000) return 'just now';
  return `${duration(delta)} ago`;
}

export function clock(at) {
  if (!at) return '—';
  return new Date(at).toLocaleString();
}

export const shortId = (id) => (id ? id.slice(0, 8) : '');

export function json(value, indent = 2) {
  return value === undefined ? '' : JSON.stringify(value, null, indent);
}

// Name and version of an actor id "Name#version".
export function splitActor(actor) {
  const hash = actor.indexOf('#');
  return hash < 0 ? [actor, ''] : [actor.slice(0, hash), actor.slice(hash + 1)];
}

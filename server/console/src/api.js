// The REST API v1 as the console uses it: JSON in and out, errors as ApiError, and the API token
// of this tab sent as Authorization: Bearer on every call.
//
// The token lives in sessionStorage: it lasts while the tab is open (a reload keeps it) and no
// other tab, site or later visit sees it. Never a cookie (the server takes none, so no other site
// can make a browser act here) and never localStorage (it would outlive the tab).

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const TOKEN_KEY = 'pledge.token';

export function storedToken() {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch (error) {
    return null;  // storage disabled: the token is asked for again after a reload
  }
}

export function storeToken(token) {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch (error) {
    // storage disabled: nothing kept
  }
}

// Called with the ApiError when a call answers 401 (the token is missing, unknown or no longer
// configured): the shell shows the sign-in form.
let onUnauthenticated = () => {};
export function whenUnauthenticated(handler) {
  onUnauthenticated = handler;
}

function headers(token, extra = {}) {
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

// Fetches path with the token; resolves to the response and its text, rejects with ApiError
// (status 0 when the server could not be reached, else the status with the server's error code
// and message).
async function send(path, { method = 'GET', body, token = storedToken() } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: headers(token, body === undefined ? {} : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, 'unreachable', 'cannot reach pledge-server: is it running?');
  }
  const text = await response.text();
  if (response.ok) return text;
  let error = null;
  try {
    error = JSON.parse(text).error || null;
  } catch (failure) {
    error = null;
  }
  throw new ApiError(response.status, error ? error.code : 'http', error ? error.message : `HTTP ${response.status}`);
}

// Reports a 401 to the shell before passing it on.
async function sendReporting(path, options) {
  try {
    return await send(path, options);
  } catch (error) {
    if (error.status === 401) onUnauthenticated(error);
    throw error;
  }
}

// Calls the API; resolves to the parsed answer, rejects with ApiError.
export async function api(path, options = {}) {
  const text = await sendReporting(path, options);
  try {
    return text ? JSON.parse(text) : null;
  } catch (error) {
    return null;
  }
}

// GET /metrics as text.
export function metricsText() {
  return sendReporting('/metrics');
}

// GET /api/v1/whoami with token (null: none): {name, role, actors, may, open}. A 401 rejects
// without reaching the shell's handler: the caller is the sign-in itself. A server older than
// tokens (404) is an open one.
export async function whoami(token) {
  try {
    return JSON.parse(await send('/api/v1/whoami', { token }));
  } catch (error) {
    if (error.status !== 404) throw error;
    return {
      name: 'anonymous', role: 'admin', actors: [], open: true,
      may: ['work', 'start', 'read-process', 'read', 'operate', 'admin'],
    };
  }
}

export const actorPath = (actor) => encodeURIComponent(actor);

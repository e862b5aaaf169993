// The REST API v1 as the console uses it: JSON in and out, errors as ApiError.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// Calls the API; resolves to the parsed answer, rejects with ApiError (status 0 when the server
// could not be reached).
export async function api(path, { method = 'GET', body } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, 'unreachable', 'cannot reach pledge-server: is it running?');
  }
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch (error) {
    parsed = null;
  }
  if (!response.ok) {
    const error = parsed && parsed.error;
    throw new ApiError(response.status, error ? error.code : 'http', error ? error.message : `HTTP ${response.status}`);
  }
  return parsed;
}

// GET /metrics as text.
export async function metricsText() {
  const response = await fetch('/metrics');
  if (!response.ok) throw new ApiError(response.status, 'http', `HTTP ${response.status}`);
  return response.text();
}

export const actorPath = (actor) => encodeURIComponent(actor);

// Talking to the gateway's /api/v1: the signed-in token, JSON in and out, problems as ApiError.
const TOKEN_KEY = 'union.token';
let signedOutHandler = () => {};

export function onSignedOut(handler) { signedOutHandler = handler; }
export function token() { return sessionStorage.getItem(TOKEN_KEY); }
export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
}

/** The CSRF token the gateway sets beside its HttpOnly session cookie (absent: no cookie session). */
export function csrfToken() {
  const match = /(?:^|;\s*)union_csrf=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : null;
}

/**
 * After signing in: with a cookie session the client keeps no token at all (the cookie is
 * HttpOnly and writes carry the CSRF header); without one, the token stays in this tab only.
 */
export function rememberSignIn(answer) {
  setToken(csrfToken() ? null : answer.token);
}

/** Sign out on the server too (every token of the user stops working), then forget locally. */
export async function signOut() {
  try { await send('POST', '/api/v1/auth/logout', { body: {} }); } catch (exc) { /* signed out locally anyway */ }
  setToken(null);
}

/** A problem+json answer: `errors` maps a field to its messages. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || String(status));
    this.status = status;
    this.title = body && body.title;
    this.detail = body && body.detail;
    this.errors = (body && body.errors) || {};
    this.requestId = body && body.request_id;
  }
}

export function queryString(query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function send(method, path, { body, query, form } = {}) {
  const headers = { Accept: 'application/json' };
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const csrf = csrfToken();
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  let response;
  try {
    response = await fetch(path + queryString(query), { method, headers, body: payload, credentials: 'same-origin' });
  } catch (exc) {
    throw new ApiError(0, { title: 'Network error', detail: 'network' });
  }
  if (response.status === 401 && !path.endsWith('/auth/login') && !path.endsWith('/auth/logout')) signedOutHandler('expired');
  return response;
}

async function readError(response) {
  let body = {};
  try { body = await response.json(); } catch (exc) { body = { title: response.statusText }; }
  return new ApiError(response.status, body);
}

/** JSON request; resolves to the parsed body, rejects with ApiError. */
export async function api(method, path, options = {}) {
  const response = await send(method, `/api/v1${path}`, options);
  if (!response.ok) throw await readError(response);
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

export const get = (path, query) => api('GET', path, { query });
export const post = (path, body) => api('POST', path, { body: body || {} });
export const patch = (path, body) => api('PATCH', path, { body });

/** Every page of a list route, for small lists (organisations, funds). */
export async function getAll(path, query = {}, cap = 20) {
  const items = [];
  let cursor;
  for (let i = 0; i < cap; i += 1) {
    const page = await get(path, { ...query, limit: 500, cursor });
    items.push(...page.items);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return items;
}

/** Download a file route (e.g. the Excel export) as the browser's own download. */
export async function download(path, query, filename) {
  const response = await send('GET', `/api/v1${path}`, { query });
  if (!response.ok) throw await readError(response);
  const blob = await response.blob();
  const disposition = response.headers.get('Content-Disposition') || '';
  const match = /filename="([^"]+)"/.exec(disposition);
  saveBlob(blob, match ? match[1] : filename);
}

export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export async function upload(path, file) {
  const form = new FormData();
  form.append('file', file, file.name);
  const response = await send('POST', `/api/v1${path}`, { form });
  if (!response.ok) throw await readError(response);
  return response.json();
}

// The API seen from the console: same origin, the project's key from this browser session only.
const KEY = 'nft-engine-console-key';
const ADMIN_TOKEN = 'nft-engine-console-admin-token';

export const storedKey = () => sessionStorage.getItem(KEY);
export const storedAdminToken = () => sessionStorage.getItem(ADMIN_TOKEN);
export const signIn = ({ key, adminToken }) => {
  if (key) sessionStorage.setItem(KEY, key);
  if (adminToken) sessionStorage.setItem(ADMIN_TOKEN, adminToken);
};
export const signOut = () => {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(ADMIN_TOKEN);
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Calls the API relative to /console/, so the console works under a path prefix too. */
export async function api(method, path, body, key = storedKey()) {
  const res = await fetch(`../${path.replace(/^\//, '')}`, {
    method,
    headers: { 'x-api-key': key ?? '', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (res.status === 401 && key === storedKey()) {
    signOut();
    dispatchEvent(new Event('console:unauthenticated'));
  }
  if (!res.ok && res.status !== 207) throw new ApiError(res.status, parsed);
  return parsed;
}

/** The operator's admin API (/v1/admin), with the ADMIN_TOKEN as a bearer token. */
export async function adminApi(method, path, token = storedAdminToken()) {
  const res = await fetch(`../${path.replace(/^\//, '')}`, { method, headers: { authorization: `Bearer ${token ?? ''}` } });
  const parsed = await res.json();
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed;
}

/** A query string from the set values of an object. */
export const query = (params) => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `?${new URLSearchParams(entries)}` : '';
};

let settings;
/** Where to link workflows and transactions (GET /console/settings.json). */
export async function consoleSettings() {
  settings ??= fetch('./settings.json').then((r) => r.json());
  return settings;
}

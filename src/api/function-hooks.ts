import type { RequestHandler, Response } from 'express';
import type { Queryable } from '../db/database';
import type { LogFn } from '../log';
import { callFunction, succeeded, type FunctionCall, type FunctionOutcome } from '../functions/call';
import { matchRoute } from '../functions/routes';
import type { SecretBox } from '../secrets/secret-box';
import { functionsForRoute, type FunctionRow } from '../store/functions';
import { projectOf } from './auth';
import { Problem } from './problem';

export interface FunctionHooksDeps {
  db: Queryable;
  secrets: SecretBox;
  allowPrivateUrls: boolean;
  /** The routes functions run around: the API's write routes. */
  writeRoutes: readonly string[];
  log: LogFn;
}

const is2xx = (status: number) => status >= 200 && status < 300;

/** How many functions' secrets one API process keeps opened. */
const OPENED_SECRETS = 1000;

/**
 * Opens sealed secrets, keeping the last ones opened: a sealed secret always opens to the same secret, so
 * nothing goes stale, and a call does not pay for the decryption each time.
 */
function openedSecrets(secrets: SecretBox) {
  const opened = new Map<string, string>();
  return (sealed: string) => {
    let secret = opened.get(sealed);
    if (secret === undefined) {
      secret = secrets.open(sealed);
      if (opened.size >= OPENED_SECRETS) opened.delete(opened.keys().next().value!);
      opened.set(sealed, secret);
    }
    return secret;
  };
}

/**
 * Holds back the route's successful answer (`res.json`, or `res.end` without a body) until `replace` has
 * run: it answers another status and body to send instead, or undefined to send the answer as it was.
 */
function holdAnswer(res: Response, replace: (status: number, body: unknown) => Promise<{ status: number; body: unknown } | undefined>) {
  const json = res.json.bind(res);
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  let held = false;
  const hold = (body: unknown, send: () => Response): Response => {
    if (held || !is2xx(res.statusCode)) return send();
    held = true;
    replace(res.statusCode, body).then(
      (other) => (other ? json.call(res.status(other.status), other.body) : send()),
      () => send(),
    );
    return res;
  };
  res.json = ((body: unknown) => hold(body, () => json(body))) as Response['json'];
  res.end = ((...args: unknown[]) => hold(null, () => end(...args))) as Response['end'];
}

/**
 * Runs the project's functions around a call of a write route: pre-functions in order before the route (a
 * 2xx continues; an answer of 400 or more refuses the call with that status; no answer in time, or no usable
 * answer, refuses it with 503), post-functions in order after its successful answer, which is then sent as
 * it was, or as 207 `{result, functions}` if any of them failed (nothing is rolled back: the action stands).
 */
export function functionHooks({ db, secrets, allowPrivateUrls, writeRoutes, log }: FunctionHooksDeps): RequestHandler {
  const openSecret = openedSecrets(secrets);
  return async (req, res, next) => {
    const path = req.baseUrl + req.path;
    const matched = req.method === 'GET' ? undefined : matchRoute(writeRoutes, req.method, path);
    if (!matched) return next();
    const projectId = projectOf(res).id;
    const functions = await functionsForRoute(db, projectId, matched.route);
    if (functions.length === 0) return next();
    const call: FunctionCall = { method: req.method, route: matched.route, path, params: matched.params, body: req.body ?? null, projectId };
    const run = (fn: FunctionRow, details: FunctionCall) =>
      callFunction({ id: fn.id, url: fn.url, phase: fn.phase, timeoutMs: fn.timeout_ms, secret: openSecret(fn.secret_sealed) }, details, allowPrivateUrls);

    for (const fn of functions.filter((f) => f.phase === 'pre')) {
      const outcome = await run(fn, call);
      if (succeeded(outcome)) continue;
      log('pre-function refused the call', { functionId: fn.id, route: matched.route, status: outcome.status, error: outcome.error });
      if (outcome.status !== null && outcome.status >= 400) {
        throw new Problem(outcome.status, 'function_rejected', 'A function refused the request', `Function ${fn.id} answered ${outcome.status}`,
          { functionId: fn.id, functionBody: outcome.body });
      }
      throw new Problem(503, 'function_unavailable', 'A function did not answer', `Function ${fn.id}: ${outcome.error ?? `answered ${outcome.status}`}; nothing was done`,
        { functionId: fn.id });
    }

    const post = functions.filter((f) => f.phase === 'post');
    if (post.length > 0) {
      holdAnswer(res, async (status, body) => {
        const outcomes: FunctionOutcome[] = [];
        for (const fn of post) outcomes.push(await run(fn, { ...call, response: { status, body } }));
        const failed = outcomes.filter((o) => !succeeded(o));
        if (failed.length === 0) return undefined;
        log('post-function failed', { route: matched.route, functionIds: failed.map((o) => o.id) });
        return { status: 207, body: { result: body, functions: outcomes } };
      });
    }
    next();
  };
}

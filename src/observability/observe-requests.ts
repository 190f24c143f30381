import type { Request, RequestHandler } from 'express';
import type { LogFn } from '../log';
import type { Metrics } from './metrics';

const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Follows the full template of the route Express matches ('unmatched' until one does). It is taken as Express
 * sets `req.route`, while `req.baseUrl` is still where the route's router is mounted: an error leaving that
 * router resets `req.baseUrl`, so when an error response ends only the router's own path would be left.
 */
function routeTemplateOf(req: Request): () => string {
  let route: { path: string } | undefined;
  let template = 'unmatched';
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path: string }) {
      route = value;
      template = `${req.baseUrl}${value.path === '/' ? '' : value.path}` || '/';
    },
  });
  return () => template;
}

/**
 * Times every request under its route template (`/v1/actions/:actionId`, so ids never become labels) and
 * logs it as one JSON line with the action it created or read, if any. Probes and scrapes are not logged.
 */
export function observeRequests(metrics: Metrics, log: LogFn): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpRequestDuration.startTimer();
    const routeTemplate = routeTemplateOf(req);
    res.once('finish', () => {
      const route = routeTemplate();
      const seconds = end({ method: req.method, route, status: String(res.statusCode) });
      if (QUIET.has(req.path)) return;
      const actionId = (res.locals.actionId as string | undefined) ?? req.params?.actionId;
      log('request', {
        method: req.method, route, status: res.statusCode, durationMs: Math.round(seconds * 1000),
        ...(actionId ? { actionId } : {}), ...(res.locals.project ? { projectId: (res.locals.project as { id: string }).id } : {}),
      });
    });
    next();
  };
}

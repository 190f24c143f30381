import type { RequestHandler } from 'express';
import type { LogFn } from '../log';
import type { Metrics } from './metrics';

const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Times every request under its route template (`/v1/actions/:actionId`, so ids never become labels) and
 * logs it as one JSON line with the action it created or read, if any. Probes and scrapes are not logged.
 */
export function observeRequests(metrics: Metrics, log: LogFn): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpRequestDuration.startTimer();
    res.once('finish', () => {
      const route = req.route ? `${req.baseUrl}${req.route.path === '/' ? '' : (req.route.path as string)}` || '/' : 'unmatched';
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

import type { RequestHandler } from 'express';
import type { Metrics } from './metrics';

/** Times every request under its route template (`/v1/actions/:id`), so ids never become labels. */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpRequestDuration.startTimer();
    res.once('finish', () => {
      const route = req.route ? `${req.baseUrl}${req.route.path as string}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

import { Router } from 'express';
import type { Metrics } from './metrics';

export interface ReadinessCheck {
  name: string;
  check(): Promise<unknown>;
}

const CHECK_TIMEOUT_MS = 2_000;

function withinTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `/healthz`: the process is up (restart it if not). `/readyz`: its dependencies answer (send it traffic
 * only if so), each check named in the body. `/metrics`: Prometheus text format.
 */
export function opsRoutes(metrics: Metrics, checks: ReadinessCheck[], isStopping: () => boolean = () => false): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(checks.map(async ({ name, check }) => {
      try {
        await withinTimeout(check());
        return [name, { status: 'ok' }] as const;
      } catch (err) {
        return [name, { status: 'failing', error: (err as Error).message }] as const;
      }
    }));
    const stopping = isStopping();
    const ready = !stopping && results.every(([, r]) => r.status === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : stopping ? 'stopping' : 'not_ready', checks: Object.fromEntries(results) });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}

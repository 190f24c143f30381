import type { ApiUrls } from '../domain';
import { takeCheckRound } from '../store/chain-checks';
import { nonceHealthCheck, type HealthDeps } from './nonce-health';
import { reorgCheck } from './reorg-check';

export interface HealthCheckSettings {
  reorgIntervalMs: number;
  reorgDepth: number;
  nonceIntervalMs: number;
}

export interface HealthChecks {
  /** Stops scheduling rounds and waits for the ones running. */
  stop(): Promise<void>;
}

/** Runs `round` every `ms` (from the end of one to the start of the next) until stopped; its errors are logged. */
function every(ms: number, round: () => Promise<void>, onError: (err: Error) => void) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      running = round().catch(onError).finally(() => {
        if (!stopped) schedule();
      });
    }, ms);
  };
  schedule();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}

/**
 * The worker's periodic checks of each configured chain: the reorg check of recently completed actions
 * (one worker process per round, taken in the database) and the nonce health check (in every worker
 * process, so each one's gauge is current; a gap is filled by the one that claims its nonce).
 */
export function startHealthChecks(settings: HealthCheckSettings, deps: Omit<HealthDeps, 'reorgDepth'> & { urls: ApiUrls; wakeDispatcher(): void }): HealthChecks {
  const checkReorgs = reorgCheck({ ...deps, depth: settings.reorgDepth });
  const checkNonces = nonceHealthCheck({ ...deps, reorgDepth: settings.reorgDepth });
  const failed = (check: string, chain: string): ((err: Error) => void) => (err) => deps.log(`${check} failed; trying again next round`, { chain, error: err.message });
  const stops = deps.chains.chains.flatMap(({ chainId, name }) => [
    every(settings.reorgIntervalMs, async () => {
      // Due again a little before the interval is over, so a worker whose timer comes back then finds it due.
      if (await takeCheckRound(deps.db, 'reorgs', chainId, settings.reorgIntervalMs * 0.8)) await checkReorgs(chainId);
    }, failed('reorg check', name)),
    every(settings.nonceIntervalMs, () => checkNonces(chainId), failed('nonce health check', name)),
  ]);
  return { stop: async () => void (await Promise.all(stops.map((stop) => stop()))) };
}

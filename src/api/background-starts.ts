import type { ActionRow } from '../domain';
import type { LogFn } from '../log';
import type { ActionStarter } from '../temporal/start-action';

const RETRY_DELAYS_MS = [250, 1_000, 4_000];

/**
 * Starts action workflows after the API has answered: the action is stored first, so a start that keeps
 * failing leaves it `queued` for the resumer rather than losing it. `drain` waits for the starts still
 * under way, so a stopping API does not leave its last actions to the resumer.
 */
export function backgroundStarts(start: ActionStarter, log: LogFn) {
  const inFlight = new Set<Promise<void>>();
  const startWithRetries = async (action: ActionRow) => {
    for (let retry = 0; ; retry++) {
      try {
        return await start(action);
      } catch (err) {
        if (retry === RETRY_DELAYS_MS.length) {
          log('could not start the action workflow; the resumer will', { actionId: action.id, error: (err as Error).message });
          return;
        }
        await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[retry]));
      }
    }
  };
  return {
    start: (async (action) => {
      const started = startWithRetries(action).finally(() => inFlight.delete(started));
      inFlight.add(started);
    }) as ActionStarter,
    drain: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

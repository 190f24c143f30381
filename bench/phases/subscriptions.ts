import type { Api } from '../api';
import { CHAIN_ID, CONFIRMATIONS, KNOBS, QUICK } from '../config';
import type { Arrival } from '../receiver';
import { say, type BenchStack, type EngineRole } from '../stack';
import { num, pollUntil } from '../stats';
import { subscriptionFollowPhase } from './subscription-follow';
import { subscriptionMatchPhase } from './subscription-match';

/**
 * subscriptions: the chain event follower. Matching cost in this process against the bench's database, then
 * latency and keeping up on the stack's worker. Runs after the other phases: its full blocks raise the base fee
 * and its events keep the dispatcher busy, which nothing after it should pay for.
 */
export async function subscriptionsPhase(ctx: { stack: BenchStack; api: Api; worker: EngineRole; receiverUrl: string; arrivals: Arrival[] }) {
  const { stack } = ctx;
  // What earlier phases left in flight (accept's last mints) finishes first, within bounds: 1,500 accepted
  // mints took three minutes after the phase on a slow 2-core host, and their completions, arriving all at once at
  // the end, put 40 s on the follower's logs → arrival when measured beside them.
  const t0 = Date.now();
  await pollUntil(async () => {
    const [{ pending }] = await stack.db.query<{ pending: number }>("SELECT count(*)::int AS pending FROM actions WHERE status = 'pending'");
    return pending === 0 ? true : undefined;
  }, { timeoutMs: QUICK ? 20_000 : 300_000, intervalMs: 250, what: () => 'actions of earlier phases still pending' }).catch((err) => say(`subscriptions: ${(err as Error).message}; going on`));

  const waited = (Date.now() - t0) / 1000;
  const t1 = Date.now();
  const [{ id: projectId }] = await stack.db.query<{ id: string }>('SELECT id FROM projects ORDER BY created_at LIMIT 1');
  say(`subscriptions.match: ${KNOBS.matchLogs} transfer logs against ${KNOBS.matchSubscriptions} subscriptions, ${KNOBS.matchRepetitions} repetitions`);
  const match = await subscriptionMatchPhase({
    db: stack.db, projectId, chain: stack.chain.name, chainId: CHAIN_ID, confirmations: CONFIRMATIONS,
    logs: KNOBS.matchLogs, subscriptions: KNOBS.matchSubscriptions, repetitions: KNOBS.matchRepetitions,
  });
  const matchSeconds = (Date.now() - t1) / 1000;
  say(`subscriptions.follow: ${KNOBS.followLatencySamples} transfers timed, then ${KNOBS.followSeconds} blocks of ${KNOBS.followTransfers} transfers`);
  const follow = await subscriptionFollowPhase({
    stack, api: ctx.api, worker: ctx.worker, receiverUrl: ctx.receiverUrl, arrivals: ctx.arrivals,
    samples: KNOBS.followLatencySamples, seconds: KNOBS.followSeconds, transfersPerBlock: KNOBS.followTransfers,
  });
  return {
    matchCpuMs: match.matchCpuMs,
    matchWallMs: match.matchWallMs,
    matchCpuLimitMs: 100,
    logsToArrivalMs: follow.logsToArrivalMs,
    followLagBlocks: follow.followLagBlocks,
    match,
    latency: follow.latency,
    follow: follow.follow,
    seconds: { waitForEarlierActions: num(waited), match: num(matchSeconds), ...follow.seconds },
  };
}

import { serveOnLoopback } from '../../test/support/receiver';
import type { Api } from '../api';
import { RECIPIENT } from '../config';
import { median, num } from '../stats';

/**
 * functions: what running a pre- and a post-function around a mint adds to the call besides the functions' own
 * time. One request at a time, in rounds of `perRound` mint POSTs with both functions disabled, then enabled;
 * each function (a loopback receiver) answers 200 after `functionMs`, and notes how long it held each call. The
 * engine's cost is the median call with functions, less the median without, less both functions' median time.
 */
export async function functionsPhase(opts: { api: Api; collectionId: string; rounds: number; perRound: number; functionMs: number }) {
  const heldMs: number[] = [];
  const fn = await serveOnLoopback((_req, res) => {
    const received = performance.now();
    setTimeout(() => {
      heldMs.push(performance.now() - received);
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    }, opts.functionMs);
  });
  const ids: string[] = [];
  try {
    for (const phase of ['pre', 'post']) {
      const res = await opts.api('POST', '/v1/functions', { route: 'POST /v1/collections/:collectionId/nfts', phase, url: fn.url, enabled: false });
      if (res.status !== 201) throw new Error(`function refused: ${res.status} ${JSON.stringify(res.body)}`);
      ids.push(res.body.id);
    }
    const without: number[] = [];
    const withFunctions: number[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      for (const enabled of [false, true]) {
        for (const id of ids) await opts.api('PATCH', `/v1/functions/${id}`, { enabled });
        for (let i = 0; i < opts.perRound; i++) {
          const t0 = performance.now();
          const res = await opts.api('POST', `/v1/collections/${opts.collectionId}/nfts`, { recipient: RECIPIENT, metadata: { name: `Functions ${round}.${i}` } });
          if (res.status !== 202) throw new Error(`mint with functions ${enabled ? 'on' : 'off'} answered ${res.status}: ${JSON.stringify(res.body)}`);
          (enabled ? withFunctions : without).push(performance.now() - t0);
        }
      }
    }
    const withoutMs = median(without);
    const withMs = median(withFunctions);
    const functionOwnMs = 2 * median(heldMs);
    return {
      addedMs: num(withMs - withoutMs - functionOwnMs, 1),
      limitMs: 5,
      postMedianMs: { without: num(withoutMs, 1), withFunctions: num(withMs, 1) },
      functionOwnMs: num(functionOwnMs, 1),
      functionMs: opts.functionMs, calls: { without: without.length, withFunctions: withFunctions.length, functionCalls: heldMs.length },
    };
  } finally {
    for (const id of ids) await opts.api('DELETE', `/v1/functions/${id}`);
    await fn.close();
  }
}

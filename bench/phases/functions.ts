import { fork } from 'node:child_process';
import path from 'node:path';
import type { Api } from '../api';
import { RECIPIENT } from '../config';
import { median, num } from '../stats';

/** The function's own process (bench/function-server.ts): its URL, and how long it held each call. */
async function startFunctionServer(functionMs: number) {
  const heldMs: number[] = [];
  const child = fork(path.join(__dirname, '../function-server.ts'), [], {
    execArgv: ['--import', 'tsx'], env: { ...process.env, FUNCTION_MS: String(functionMs) },
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.on('message', (m: { url?: string; heldMs?: number }) => (m.url ? resolve(m.url) : heldMs.push(m.heldMs!)));
    child.once('exit', (code) => reject(new Error(`the function server exited (${code})`)));
  });
  return { url, heldMs, stop: () => new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.disconnect(); }) };
}

/**
 * functions: what running a pre- and a post-function around a mint adds to the call besides the functions' own
 * time. One request at a time: `rounds` × `perRound` pairs of mint POSTs, one with both functions disabled and
 * one with both enabled, the pair's order alternating, so that both kinds meet the same background (the
 * worker's mints of the calls before); each function (a process of its own on loopback) answers 200 after
 * `functionMs`, and notes how long it held each call. The engine's cost is the median call with functions, less
 * the median without, less both functions' median time.
 */
export async function functionsPhase(opts: { api: Api; collectionId: string; rounds: number; perRound: number; functionMs: number }) {
  const fn = await startFunctionServer(opts.functionMs);
  const ids: string[] = [];
  try {
    for (const phase of ['pre', 'post']) {
      const res = await opts.api('POST', '/v1/functions', { route: 'POST /v1/collections/:collectionId/nfts', phase, url: fn.url, enabled: false });
      if (res.status !== 201) throw new Error(`function refused: ${res.status} ${JSON.stringify(res.body)}`);
      ids.push(res.body.id);
    }
    const without: number[] = [];
    const withFunctions: number[] = [];
    let pair = 0;
    let enabledNow = false;
    for (let round = 0; round < opts.rounds; round++) {
      for (let i = 0; i < opts.perRound; i++, pair++) {
        for (const enabled of pair % 2 === 0 ? [false, true] : [true, false]) {
          if (enabled !== enabledNow) for (const id of ids) await opts.api('PATCH', `/v1/functions/${id}`, { enabled });
          enabledNow = enabled;
          const t0 = performance.now();
          const res = await opts.api('POST', `/v1/collections/${opts.collectionId}/nfts`, { recipient: RECIPIENT, metadata: { name: `Functions ${round}.${i}` } });
          if (res.status !== 202) throw new Error(`mint with functions ${enabled ? 'on' : 'off'} answered ${res.status}: ${JSON.stringify(res.body)}`);
          (enabled ? withFunctions : without).push(performance.now() - t0);
        }
      }
    }
    const withoutMs = median(without);
    const withMs = median(withFunctions);
    const functionOwnMs = 2 * median(fn.heldMs);
    return {
      addedMs: num(withMs - withoutMs - functionOwnMs, 1),
      limitMs: 5,
      postMedianMs: { without: num(withoutMs, 1), withFunctions: num(withMs, 1) },
      functionOwnMs: num(functionOwnMs, 1),
      functionMs: opts.functionMs, calls: { without: without.length, withFunctions: withFunctions.length, functionCalls: fn.heldMs.length },
    };
  } finally {
    for (const id of ids) await opts.api('DELETE', `/v1/functions/${id}`);
    await fn.stop();
  }
}

/* The result's table: what was measured, the limit it is set against (measured in the same run), the ratio. */
const show = (v: unknown, unit = '') => (v === null || v === undefined ? 'n/a' : `${v}${unit}`);

export function printTable(r: any) {
  const s = r.engine.single;
  const b = r.engine.batch;
  const w = r.webhooks;
  const rows: [string, string, string, string][] = [
    ['Temporal floor: trivial workflows/s', '', show(r.floor.workflowsPerSecond), ''],
    [`chain: pre-signed mints/s (${r.chain.mints} in ${r.chain.blocks} blocks)`, '', `${show(r.chain.presignedMintsPerSecond)} (fullest block ${show(r.chain.fullBlockMintsPerSecond)}/s)`, ''],
    ['baseline: pipelined ethers mints/s', show(r.chain.presignedMintsPerSecond, ' (chain)'), show(r.baseline.pipelinedMintsPerSecond), show(r.baseline.ratioToPresigned)],
    [`engine.single: mints/s (${s.mints} at c${s.concurrency})`, show(r.floor.workflowsPerSecond, ' (floor)'), show(s.mintsPerSecond), show(s.ratioToFloor)],
    ['engine.single vs baseline', show(r.baseline.pipelinedMintsPerSecond, ' (baseline)'), show(s.mintsPerSecond), show(s.ratioToBaseline)],
    ['  succeeded / failed', '', `${s.succeeded} / ${s.failed}`, ''],
    ['  worker CPU ms per mint', '', show(s.workerCpuMsPerMint), ''],
    ['  workflow tasks / history events per mint', '', `${show(s.workflowTasksPerMint)} / ${show(s.historyEventsPerMint)}`, ''],
    ['  DB statements per mint (api + worker)', '', show(s.dbStatementsPerMint), ''],
    ['  RPC calls per mint', '', `${show(s.rpcCallsPerMint)} (${Object.entries(s.rpcCallsPerMintByMethod).map(([m, n]) => `${m} ${n}`).join(', ')})`, ''],
    [
      `engine.batch: mints/s${b.skipped ? '' : ` (${b.succeeded} in ${b.seconds} s)`}`, show(b.gasCeilingMintsPerSecond, ' (gas ceiling)'),
      b.skipped ? `skipped: ${b.skipped}` : show(b.mintsPerSecond), show(b.ratioToGasCeiling),
    ],
    [`accept: POST p50 / p99 (${r.accept.production.offeredPerSecond}/s open loop)`, '', `${show(r.accept.postP50Ms)} / ${show(r.accept.postP99Ms)} ms`, ''],
    ['accept: GET action p50 / p99', '', `${show(r.accept.getP50Ms)} / ${show(r.accept.getP99Ms)} ms`, ''],
    ['accept: server mean POST / GET (its /metrics)', '', `${show(r.accept.production.serverMeanMs.post)} / ${show(r.accept.production.serverMeanMs.get)} ms`, ''],
    ['accept: embedded stack POST p50 / p99', '', `${show(r.accept.embeddedPostP50Ms)} / ${show(r.accept.embeddedPostP99Ms)} ms`, ''],
    ['webhooks: completion → arrival p50 / p99', '', `${show(w.completionToArrivalMs.p50)} / ${show(w.completionToArrivalMs.p99)} ms`, ''],
    ['webhooks: deliveries/s to 1 endpoint', '', show(w.deliveriesPerSecond.one), ''],
    ['webhooks: deliveries/s to 10 endpoints', show(w.deliveriesPerSecond.one, ' (1 endpoint)'), show(w.deliveriesPerSecond.ten), show(ratio(w.deliveriesPerSecond.ten, w.deliveriesPerSecond.one))],
    ['webhooks: deliveries/s to 9 healthy + 1 hanging', show(w.deliveriesPerSecond.ten, ' (10 healthy)'), show(w.deliveriesPerSecond.tenWithOneHanging), show(ratio(w.deliveriesPerSecond.tenWithOneHanging, w.deliveriesPerSecond.ten))],
    [`functions: added to a mint POST besides a pre- and a post-function's own ${show(r.functions.functionOwnMs)} ms`, show(r.functions.limitMs, ' ms'),
      `${show(r.functions.addedMs)} ms (median ${show(r.functions.postMedianMs.withFunctions)} vs ${show(r.functions.postMedianMs.without)} ms)`,
      show(ratio(r.functions.addedMs, r.functions.limitMs))],
    ['gas: single mint / batched mint per token', '', `${show(r.gas.singleMint)} / ${show(r.gas.batchMintPerToken)}`, ''],
    [`growth: ms per mint at ${r.growth.mints.at300} / ${r.growth.mints.at3000} / ${r.growth.mints.at300} again`, show(r.growth.perMintMsAt300, ` (at ${r.growth.mints.at300})`),
      `${show(r.growth.perMintMsAt300)} / ${show(r.growth.perMintMsAt3000)} / ${show(r.growth.perMintMsAt300Again)}`, show(r.growth.ratio3000To300)],
    ['worker RSS MiB after accept', '', show(r.worker.rssMiB), ''],
    ...subscriptionRows(r.subscriptions),
  ];
  console.log(`\n| ${r.quick ? 'QUICK ' : ''}${r.date} | limit (same run) | measured | ratio |`);
  console.log('| --- | --- | --- | --- |');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

export function subscriptionRows(c: any): [string, string, string, string][] {
  if (!c) return [];
  if (c.failed) return [['subscriptions (chain events)', '', `failed: ${c.failed}`, '']];
  const m = c.match;
  const f = c.follow;
  return [
    [`subscriptions: match ${m.logs} transfer logs vs ${m.subscriptions} subscriptions, CPU / wall ms (median of ${m.repetitions})`, show(c.matchCpuLimitMs, ' ms CPU'),
      `${show(c.matchCpuMs)} / ${show(c.matchWallMs)} ms, ${m.matchedEvents} events`, show(ratio(c.matchCpuMs, c.matchCpuLimitMs))],
    ['  decode / lookup / match / build, CPU ms', '', (['decode', 'lookup', 'match', 'build'] as const).map((k) => show(m.stepsMedian[k].cpuMs)).join(' / '), ''],
    [`subscriptions: logs → webhook arrival p50 / p99 (confirmations 0, ${c.logsToArrivalMs.samples} transfers)`, '', `${show(c.logsToArrivalMs.p50)} / ${show(c.logsToArrivalMs.p99)} ms`, ''],
    [`subscriptions: lag behind ${f.blocks} blocks of ${f.transfersPerBlock.requested} transfers, max / end (blocks)`, '', `${show(c.followLagBlocks.max)} / ${show(c.followLagBlocks.end)}`, ''],
    ['  loaded block seen → follower\'s cursor there p50 / max; worker CPU ms per block', '',
      `${show(f.blockToCursorMs.p50)} / ${show(f.blockToCursorMs.max)} ms${f.reachedLastBlock ? '' : ' (last block not reached)'}; ${show(f.workerCpuMsPerBlock)}`, ''],
  ];
}

const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : Math.round((a / b) * 1000) / 1000);

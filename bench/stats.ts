export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs task(i) for i in [0, count) with at most `concurrency` at once. */
export async function runPool(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await task(next++);
  }));
}

export const median = (values: number[]) => percentile(values, 50);

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A number rounded, or null when it is not a finite number (JSON has no NaN). */
export const num = (n: number | null | undefined, digits = 1): number | null =>
  n === null || n === undefined || !Number.isFinite(n) ? null : round(n, digits);

export const p50p99 = (values: number[]) => ({ p50: num(percentile(values, 50)), p99: num(percentile(values, 99)), samples: values.length });

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls check() every intervalMs until it returns a value, failing after timeoutMs with what() in the message. */
export async function pollUntil<T>(check: () => Promise<T | undefined>, opts: { timeoutMs: number; intervalMs?: number; what: () => string }): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${opts.timeoutMs} ms: ${opts.what()}`);
    await sleep(opts.intervalMs ?? 250);
  }
}

/**
 * Open loop: fire(i) for i in [0, rate × seconds) at t0 + i / rate whatever the answers; each call's latency
 * is measured from the time it was due, so a stalled server or bench cannot hide queueing
 * (no coordinated omission). Waits for the answers (at most drainMs after the last send).
 */
export async function openLoop(rate: number, seconds: number, fire: (i: number) => Promise<void>, drainMs = 60_000): Promise<{ latencies: number[]; errors: number; sent: number }> {
  const count = Math.max(1, Math.round(rate * seconds));
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    inFlight.push(fire(i).then(() => { latencies.push(performance.now() - due); }, () => { errors++; }));
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(inFlight), new Promise((r) => { timer = setTimeout(r, drainMs); })]);
  clearTimeout(timer);
  return { latencies, errors: errors + (count - latencies.length - errors), sent: count };
}

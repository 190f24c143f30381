const FIRST_RETRY_MS = 5_000;
const LONGEST_DELAY_MS = 12 * 3_600_000;

/**
 * A retry schedule spanning a window, as Stripe's spans 3 days: an immediate attempt, then delays doubling
 * from 5 s up to 12 h each, the last one stretched so that the last attempt falls at the window's end.
 */
export function scheduleSpanning(windowMs: number): number[] {
  const schedule = [0];
  let spanned = 0;
  let delay = FIRST_RETRY_MS;
  while (spanned + delay <= windowMs) {
    schedule.push(delay);
    spanned += delay;
    delay = Math.min(delay * 2, LONGEST_DELAY_MS);
  }
  schedule[schedule.length - 1] += windowMs - spanned;
  return schedule;
}

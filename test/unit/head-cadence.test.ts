import { HeadCadence } from '../../src/chain/head-cadence';

/**
 * Looks at the chain as the follower would, at the times the cadence asks for; blocks come at `blockAt(n)`.
 * No looks during `pause` (the follower stops while nobody waits).
 */
function follow(cadence: HeadCadence, blockAt: (n: number) => number, untilMs: number, pause?: { from: number; to: number }) {
  const looks: { at: number; head: number }[] = [];
  let now = 0;
  while (now < untilMs) {
    let head = 0;
    while (blockAt(head + 1) <= now) head++;
    looks.push({ at: now, head });
    now += cadence.next(head, now);
    if (pause && now >= pause.from && now < pause.to) now = pause.to;
  }
  return looks;
}

/** For each block, how long after it came the follower first saw it. */
function noticeDelays(looks: { at: number; head: number }[], blockAt: (n: number) => number) {
  const delays: number[] = [];
  for (let i = 1; i < looks.length; i++) {
    if (looks[i].head > looks[i - 1].head) delays.push(looks[i].at - blockAt(looks[i].head));
  }
  return delays;
}

describe('head cadence', () => {
  test('on a chain with 1 s blocks and a 1 s poll interval, a block is seen within 60 ms once the interval is learned, at about three looks a block', () => {
    const blockAt = (n: number) => 330 + n * 1000;
    const looks = follow(new HeadCadence(1000), blockAt, 60_000);
    const delays = noticeDelays(looks, blockAt).slice(5);
    expect(Math.max(...delays)).toBeLessThanOrEqual(60);
    expect(looks.length / 60).toBeLessThan(3.5);
  });

  test('blocks that come with some jitter are still seen soon after they come', () => {
    // Deterministic jitter of up to ±40 ms.
    const blockAt = (n: number) => 330 + n * 1000 + ((n * 7919) % 81) - 40;
    const looks = follow(new HeadCadence(1000), blockAt, 60_000);
    const delays = noticeDelays(looks, blockAt).slice(5);
    expect(Math.max(...delays)).toBeLessThanOrEqual(100);
    expect(looks.length / 60).toBeLessThan(4);
  });

  test('after a pause in the looks, it finds the blocks\' timing again within a few blocks and a few looks each', () => {
    const blockAt = (n: number) => 330 + n * 1000;
    const looks = follow(new HeadCadence(1000), blockAt, 100_000, { from: 20_000, to: 80_000 });
    expect(looks.filter((l) => l.at >= 80_000 && l.at < 83_000).length).toBeLessThanOrEqual(15);
    const after = looks.filter((l) => l.at >= 83_000);
    expect(Math.max(...noticeDelays(after, blockAt))).toBeLessThanOrEqual(60);
    expect(after.length / 17).toBeLessThan(3.5);
  });

  test('never looks less often than the poll interval, on slow chains too', () => {
    const blockAt = (n: number) => n * 12_000;
    const looks = follow(new HeadCadence(1000), blockAt, 120_000);
    for (let i = 1; i < looks.length; i++) expect(looks[i].at - looks[i - 1].at).toBeLessThanOrEqual(1000);
    const delays = noticeDelays(looks, blockAt).slice(2);
    expect(Math.max(...delays)).toBeLessThanOrEqual(600);
  });

  test('a chain that stops making blocks is looked at every poll interval after one block interval of frequent looks', () => {
    const blockAt = (n: number) => (n <= 10 ? n * 1000 : Infinity);
    const looks = follow(new HeadCadence(1000), blockAt, 30_000).filter((l) => l.at > 13_000);
    for (let i = 1; i < looks.length; i++) expect(looks[i].at - looks[i - 1].at).toBe(1000);
  });

  test('before any block interval is known, and after a reorg to a lower head, it waits the poll interval', () => {
    const cadence = new HeadCadence(800);
    expect(cadence.next(5, 0)).toBe(800);
    expect(cadence.next(5, 800)).toBe(800);
    cadence.next(6, 1000);
    expect(cadence.next(4, 1100)).toBeLessThanOrEqual(800);
  });
});

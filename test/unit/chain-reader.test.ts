import type { JsonRpcProvider } from 'ethers';
import { ChainReader, type BlockHeader } from '../../src/chain/chain-reader';

/**
 * A chain made by hand behind a fake provider that counts its calls: blocks come every `blockMs` of jest's
 * fake clock (from `firstAt`), or when the test mines; `reorg(depth)` replaces the last blocks with others.
 */
function fakeChain(opts: { blockMs?: number; firstAt?: number } = {}) {
  let branch = 'a';
  const blocks: { hash: string; parentHash: string; transactions: string[] }[] = [{ hash: '0xg', parentHash: '0x0', transactions: [] }];
  const calls: string[] = [];
  const mine = (transactions: string[] = []) => {
    const n = blocks.length;
    blocks.push({ hash: `0x${branch}${n}`, parentHash: blocks[n - 1].hash, transactions });
  };
  const produced = () => (opts.blockMs ? Math.floor((Date.now() - (opts.firstAt ?? 0)) / opts.blockMs) : 0);
  let made = 0;
  const catchUp = () => {
    for (const due = produced(); made < due; made++) mine();
  };
  const header = (n: number) => ({
    number: `0x${n.toString(16)}`, hash: blocks[n].hash, parentHash: blocks[n].parentHash, timestamp: `0x${n.toString(16)}`, transactions: blocks[n].transactions,
  });
  const provider = {
    send: async (method: string, params: unknown[]) => {
      catchUp();
      if (method !== 'eth_getBlockByNumber') throw new Error(`unexpected ${method}`);
      const tag = params[0] as string;
      calls.push(tag);
      const n = tag === 'latest' ? blocks.length - 1 : Number(tag);
      return n < blocks.length ? header(n) : null;
    },
    destroy: () => undefined,
  } as unknown as JsonRpcProvider;
  return {
    provider,
    calls,
    mine,
    head: () => blocks.length - 1,
    /** The last `depth` blocks replaced by `depth + extra` others. */
    reorg(depth: number, extra = 0) {
      blocks.splice(blocks.length - depth);
      branch = String.fromCharCode(branch.charCodeAt(0) + 1);
      for (let i = 0; i < depth + extra; i++) mine();
    },
  };
}

/** What a listener heard, in order. */
function heard(reader: ChainReader) {
  const events: string[] = [];
  reader.listen({ added: (b) => events.push(`+${b.number}`), replaced: (b) => events.push(`-${b.number}`) });
  return events;
}

describe('chain reader', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  test('nobody watching, nothing is read; a head asked for then is read once and not kept', async () => {
    const chain = fakeChain();
    const reader = new ChainReader(chain.provider, 1000);
    chain.mine();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(chain.calls).toEqual([]);
    expect((await reader.latest()).number).toBe(1);
    expect((await reader.block(1)).hash).toBe('0xa1');
    expect(chain.calls).toEqual(['latest', '0x1']);
    expect(reader.canonical(1)).toBeUndefined();
    reader.stop();
  });

  test('watched, each block is read once for everyone, in order, and kept blocks are answered without a call', async () => {
    const chain = fakeChain();
    const reader = new ChainReader(chain.provider, 100);
    const events = heard(reader);
    const release = [reader.watch(), reader.watch()];
    await jest.advanceTimersByTimeAsync(0);
    chain.mine();
    chain.mine();
    chain.mine();
    await jest.advanceTimersByTimeAsync(100);
    expect(events).toEqual(['+0', '+1', '+2', '+3']);
    expect(chain.calls.filter((c) => c !== 'latest')).toEqual(['0x1', '0x2']);
    const before = chain.calls.length;
    const [latest, b1, b2] = await Promise.all([reader.latest(), reader.block(1), reader.block(2)]);
    expect([latest.number, b1.hash, b2.hash]).toEqual([3, '0xa1', '0xa2']);
    expect(chain.calls.length).toBe(before);
    // Both released: the looks stop.
    release.forEach((r) => r());
    await jest.advanceTimersByTimeAsync(200);
    const stopped = chain.calls.length;
    chain.mine();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(chain.calls.length).toBe(stopped);
    reader.stop();
  });

  test('a reorg unwinds the replaced blocks, newest first, before the blocks that replace them; a same-height one shows in the head\'s hash', async () => {
    const chain = fakeChain();
    const reader = new ChainReader(chain.provider, 100);
    const events = heard(reader);
    for (let i = 0; i < 4; i++) chain.mine();
    reader.watch();
    await jest.advanceTimersByTimeAsync(0);
    expect(events).toEqual(['+4']);
    chain.mine();
    await jest.advanceTimersByTimeAsync(100);
    events.length = 0;
    chain.reorg(2, 1);
    await jest.advanceTimersByTimeAsync(100);
    expect(events).toEqual(['-5', '-4', '+4', '+5', '+6']);
    expect((await reader.block(5)).hash).toBe('0xb5');
    events.length = 0;
    chain.reorg(1);
    await jest.advanceTimersByTimeAsync(100);
    expect(events).toEqual(['-6', '+6']);
    expect((await reader.latest()).hash).toBe('0xc6');
    reader.stop();
  });

  test('nextHead answers once a look finds another head, at once if one did, else after its time limit', async () => {
    const chain = fakeChain();
    const reader = new ChainReader(chain.provider, 100);
    reader.watch();
    await jest.advanceTimersByTimeAsync(0);
    const seen: BlockHeader = await reader.latest();
    let moved = false;
    void reader.nextHead(seen, 10_000).then(() => (moved = true));
    await jest.advanceTimersByTimeAsync(300);
    expect(moved).toBe(false);
    chain.mine();
    await jest.advanceTimersByTimeAsync(100);
    expect(moved).toBe(true);
    let already = false;
    void reader.nextHead(seen, 10_000).then(() => (already = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(already).toBe(true);
    let timedOut = false;
    void reader.nextHead(await reader.latest(), 500).then(() => (timedOut = true));
    await jest.advanceTimersByTimeAsync(499);
    expect(timedOut).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(timedOut).toBe(true);
    reader.stop();
  });

  test('on a chain with 1 s blocks the head is looked at about three times a block, not every 200 ms, and each block seen soon after it comes', async () => {
    const chain = fakeChain({ blockMs: 1000, firstAt: 330 });
    const reader = new ChainReader(chain.provider, 1000);
    const seenAt = new Map<number, number>();
    reader.listen({ added: (b) => seenAt.set(b.number, Date.now()) });
    reader.watch();
    await jest.advanceTimersByTimeAsync(60_000);
    const looks = chain.calls.filter((c) => c === 'latest').length;
    expect(looks / 60).toBeLessThan(3.5);
    // Every block read once: none by number beside the head.
    expect(chain.calls.filter((c) => c !== 'latest')).toEqual([]);
    const late = [...seenAt].filter(([n]) => n > 5).map(([n, at]) => at - (330 + n * 1000));
    expect(Math.max(...late)).toBeLessThanOrEqual(60);
    reader.stop();
  });
});

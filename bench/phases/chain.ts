import { HDNodeWallet, JsonRpcProvider, Transaction, type TransactionResponse } from 'ethers';
import { anvilAccount, BLOCK_TIME_SECONDS, CHAIN_ID, CONFIRMATIONS } from '../config';
import { deployCollection, mintCalldata } from '../contract';
import { num, pollUntil, runPool } from '../stats';

async function rpc(url: string, body: unknown): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}

const wallet = (index: number, provider: JsonRpcProvider) => {
  const { mnemonic, path } = anvilAccount(index);
  return HDNodeWallet.fromPhrase(mnemonic, undefined, path).connect(provider);
};

/** The chain's block gas limit and block time as seen now. */
export async function chainLimits(rpcUrl: string) {
  const provider = new JsonRpcProvider(rpcUrl, CHAIN_ID, { staticNetwork: true });
  try {
    const block = await provider.getBlock('latest');
    return { blockGasLimit: Number(block!.gasLimit) };
  } finally {
    provider.destroy();
  }
}

/**
 * chain.presignedMintsPerSecond: a wallet of the bench's own (anvil account 4) deploys a collection, signs
 * `count` mints up front, sends them as fast as JSON-RPC batches go, and waits until all are mined. Rate over
 * chain time (blocks from the first send to the last mint × block time); wall-clock rate beside it.
 */
export async function presignedPhase(opts: { rpcUrl: string; count: number }) {
  const provider = new JsonRpcProvider(opts.rpcUrl, CHAIN_ID, { staticNetwork: true });
  try {
    const signer = wallet(4, provider);
    const collection = await deployCollection(signer);
    const to = await collection.getAddress();
    const nonce = await provider.getTransactionCount(signer.address, 'latest');
    const fees = await provider.getFeeData();
    const gasLimit = ((await provider.estimateGas({ from: signer.address, to, data: mintCalldata(0, signer.address) })) * 13n) / 10n;
    const raw: string[] = [];
    for (let i = 0; i < opts.count; i++) {
      raw.push(await signer.signTransaction({
        type: 2, chainId: CHAIN_ID, nonce: nonce + i, to, data: mintCalldata(i, signer.address), gasLimit,
        maxFeePerGas: fees.maxFeePerGas! * 2n, maxPriorityFeePerGas: fees.maxPriorityFeePerGas!,
      }));
    }
    const hashes = raw.map((r) => Transaction.from(r).hash!);
    const startBlock = Number((await rpc(opts.rpcUrl, { jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] })).result);
    const started = performance.now();
    const BATCH = 50;
    for (let at = 0; at < raw.length; at += BATCH) {
      const answers = await rpc(opts.rpcUrl, raw.slice(at, at + BATCH).map((tx, k) => ({ jsonrpc: '2.0', id: at + k, method: 'eth_sendRawTransaction', params: [tx] })));
      const refused = (answers as { error?: unknown }[]).find((a) => a.error);
      if (refused) throw new Error(`pre-signed mint refused: ${JSON.stringify(refused.error)}`);
    }
    await pollUntil(async () => ((await provider.getTransactionCount(signer.address, 'latest')) >= nonce + opts.count ? true : undefined),
      { timeoutMs: 120_000, intervalMs: 50, what: () => 'pre-signed mints not all mined' });
    const seconds = (performance.now() - started) / 1000;
    const receipts: { status: string; gasUsed: string; blockNumber: string }[] = [];
    for (let at = 0; at < hashes.length; at += BATCH) {
      const answers = await rpc(opts.rpcUrl, hashes.slice(at, at + BATCH).map((h, k) => ({ jsonrpc: '2.0', id: k, method: 'eth_getTransactionReceipt', params: [h] })));
      receipts.push(...(answers as { result: { status: string; gasUsed: string; blockNumber: string } }[]).map((a) => a.result));
    }
    const succeeded = receipts.filter((r) => r && Number(r.status) === 1).length;
    const blocks = receipts.map((r) => Number(r.blockNumber));
    const lastBlock = Math.max(...blocks);
    // Chain time: the blocks from the one current at the first send to the one holding the last mint, so the
    // figure does not depend on where in a block interval the sends began.
    const chainSeconds = (lastBlock - startBlock) * BLOCK_TIME_SECONDS;
    const perBlock = new Map<number, number>();
    for (const b of blocks) perBlock.set(b, (perBlock.get(b) ?? 0) + 1);
    return {
      mints: opts.count, succeeded, seconds: num(seconds, 2), chainSeconds, presignedMintsPerSecond: num(succeeded / chainSeconds, 1),
      wallClockMintsPerSecond: num(succeeded / seconds, 1), blocks: perBlock.size,
      /** The fullest block's mints ÷ block time: what the chain holds when every block is full. */
      fullBlockMintsPerSecond: num(Math.max(...perBlock.values()) / BLOCK_TIME_SECONDS, 1),
      gasPerMint: num(receipts.reduce((sum, r) => sum + Number(r.gasUsed), 0) / receipts.length, 0),
    };
  } finally {
    provider.destroy();
  }
}

/**
 * baseline.pipelinedMintsPerSecond: ethers from one wallet (anvil account 2) sends every mint with its own
 * nonce without waiting (gas estimated and priced by ethers per transaction), then waits for each with the
 * chain's confirmations.
 */
export async function pipelinedPhase(opts: { rpcUrl: string; count: number; concurrency: number }) {
  const provider = new JsonRpcProvider(opts.rpcUrl, CHAIN_ID, { staticNetwork: true });
  try {
    const signer = wallet(2, provider);
    const collection = await deployCollection(signer);
    const to = await collection.getAddress();
    const nonce = await provider.getTransactionCount(signer.address, 'latest');
    const sent: TransactionResponse[] = [];
    const started = performance.now();
    await runPool(opts.count, opts.concurrency, async (i) => {
      sent[i] = await signer.sendTransaction({ to, data: mintCalldata(i, signer.address), nonce: nonce + i });
    });
    let succeeded = 0;
    await Promise.all(sent.map(async (tx) => {
      const receipt = await tx.wait(CONFIRMATIONS, 300_000);
      if (receipt?.status === 1) succeeded++;
    }));
    const seconds = (performance.now() - started) / 1000;
    return { mints: opts.count, succeeded, confirmations: CONFIRMATIONS, seconds: num(seconds, 2), pipelinedMintsPerSecond: num(succeeded / seconds, 1) };
  } finally {
    provider.destroy();
  }
}

import { accountNonces } from '../chain/account-nonces';
import type { ChainRegistry } from '../chain/chains';
import type { Database } from '../db/database';
import type { LogFn } from '../log';
import type { Metrics } from '../observability/metrics';
import type { SecretBox } from '../secrets/secret-box';
import type { PreparedAction } from '../activities/prepare';
import { transactionSigner } from '../activities/sign-transaction';
import { sendSignedTransaction } from '../activities/transactions';
import { claimNonceGap, keepSignature, leasedAddresses, leasesFrom, releaseNonce, type NonceScope } from '../store/nonces';
import { minedActionAtNonce } from '../store/actions';
import { projectSigningFor } from '../store/projects';
import { nonceRemedies } from './nonce-gaps';

/**
 * A lease held this long without change by a holder that is no pending action is taken over: long enough
 * for a workflow's own gap filler to be signed and sent.
 */
const STALE_LEASE_MS = 60_000;

export interface HealthDeps {
  db: Database;
  chains: ChainRegistry;
  secrets: SecretBox;
  signerTimeoutMs: number;
  metrics: Metrics;
  log: LogFn;
  /** How many blocks below the head the reorg check looks at. */
  reorgDepth: number;
}

/**
 * One round of the nonce health check of a chain: per signer address holding leases, the chain's latest
 * and pending nonces against the leases. Reports the drift (gauge and log line) and mends what holds back
 * later transactions: a dropped transaction still kept is sent again, a free nonce gets a gap filler
 * signed by the project's signing endpoint and kept on its lease, so the next rounds watch it until mined.
 */
export function nonceHealthCheck(deps: HealthDeps) {
  const { db, chains, metrics, log } = deps;
  const sign = transactionSigner(deps);

  async function fill(scope: NonceScope, chain: string, nonce: number) {
    // The nonce of a completed action a reorg took out is not free: its transaction goes back, not a filler.
    const head = Number(await chains.provider(scope.chainId).send('eth_blockNumber', []));
    const reorged = await minedActionAtNonce(db, scope.chainId, scope.address, nonce, Math.max(0, head - deps.reorgDepth + 1));
    if (reorged) {
      if (reorged.signed_transaction) await resend(scope, chain, nonce, reorged.signed_transaction);
      return;
    }
    const holder = `gap-filler:${scope.chainId}:${scope.address}:${nonce}`;
    if (!(await claimNonceGap(db, scope, nonce, holder, STALE_LEASE_MS))) return;
    try {
      const project = await projectSigningFor(db, scope.chainId, scope.address);
      if (!project) throw new Error('no project signs for this address');
      const provider = chains.provider(scope.chainId);
      const fees = await provider.getFeeData();
      if (fees.maxFeePerGas === null || fees.maxPriorityFeePerGas === null) throw new Error(`chain ${chain} has no EIP-1559 fees`);
      const filler: PreparedAction = {
        actionId: holder,
        projectId: project.id,
        chain,
        chainId: scope.chainId,
        from: project.signer_address,
        transaction: {
          type: 2, chainId: scope.chainId, to: project.signer_address, value: '0', data: '0x', gasLimit: '21000',
          maxFeePerGas: fees.maxFeePerGas.toString(), maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
        },
        callInfo: { functionName: 'transfer', arguments: { to: project.signer_address, value: '0' }, calldata: '0x' },
        summary: `Fill nonce ${nonce} of ${project.signer_address}: it holds back later transactions (nonce health check)`,
      };
      const signed = await sign(filler, nonce, 'nonce_gap_filler', (e) => ({ reason: 'signer_rejected', message: e.message }));
      const kept = await keepSignature(db, holder, nonce, signed);
      if (!kept) throw new Error('the nonce was taken over while its filler was signed');
      const sent = await sendSignedTransaction(db, provider, holder, { ...kept, nonce });
      metrics.nonceGapsFilled.inc({ chain, how: 'filled' });
      log('nonce gap filled', { chain, address: scope.address, nonce, txHash: kept.hash, result: sent });
    } catch (err) {
      // Given back: the next round (or the next action of the address) takes it.
      await releaseNonce(db, holder);
      log('nonce gap not filled', { chain, address: scope.address, nonce, error: (err as Error).message });
    }
  }

  async function resend(scope: NonceScope, chain: string, nonce: number, signedTransaction: string) {
    try {
      await chains.provider(scope.chainId).send('eth_sendRawTransaction', [signedTransaction]);
      metrics.nonceGapsFilled.inc({ chain, how: 'resent' });
      log('dropped transaction sent again', { chain, address: scope.address, nonce });
    } catch (err) {
      log('dropped transaction not sent again', { chain, address: scope.address, nonce, error: (err as Error).message });
    }
  }

  return async function checkNonces(chainId: number) {
    const chain = chains.byId(chainId).name;
    const provider = chains.provider(chainId);
    for (const { address, nextNonce } of await leasedAddresses(db, chainId)) {
      const scope = { chainId, address };
      const nonces = await accountNonces(provider, address);
      const remedies = nonceRemedies(nonces, await leasesFrom(db, scope, nonces.latest), STALE_LEASE_MS);
      const drift = nextNonce - nonces.pending;
      metrics.nonceDrift.set({ chain, address }, drift);
      if (drift !== 0 || remedies.length > 0) {
        log('nonce drift', { chain, address, latest: nonces.latest, pending: nonces.pending, engineNext: nextNonce, drift, gaps: remedies.map((r) => r.nonce) });
      }
      for (const r of remedies) {
        if (r.remedy === 'fill') await fill(scope, chain, r.nonce);
        else await resend(scope, chain, r.nonce, r.signedTransaction);
      }
    }
  };
}

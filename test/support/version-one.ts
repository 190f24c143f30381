import { randomUUID } from 'node:crypto';
import { Contract, ContractFactory, Wallet } from 'ethers';
import { ARTIFACTS } from '../../src/chain/artifacts';
import { DEPLOYER_KEY } from './accounts';
import type { Harness } from './harness';

/**
 * A version 1 contract owned by the engine's signer, deployed by another account, and its row as the migration
 * to version 2 left existing rows: a collection deployed before version 2.
 */
export async function versionOneCollection(h: Harness, standard: 'erc721' | 'erc1155'): Promise<{ id: string; contract: Contract }> {
  const deployer = new Wallet(DEPLOYER_KEY, h.provider);
  const { abi, bytecode } = ARTIFACTS[1][standard];
  const args = standard === 'erc721' ? ['Old', 'OLD', '', 0, h.signerAddress] : ['Old', 'OLD', '', h.signerAddress];
  const contract = (await (await new ContractFactory(abi, bytecode, deployer).deploy(...args)).waitForDeployment()) as Contract;
  const id = randomUUID();
  await h.db.query(
    `INSERT INTO collections (id, project_id, chain, chain_id, standard, name, symbol, metadata, max_supply, contract_address, status, action_id)
     VALUES ($1, $2, 'anvil', $3, $4, 'Old', 'OLD', '{"name":"Old"}', 0, $5, 'deployed', $6)`,
    [id, h.projectId, h.stack.chainId, standard, await contract.getAddress(), randomUUID()]);
  return { id, contract };
}

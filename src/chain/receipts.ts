import type { Interface, Log, TransactionReceipt } from 'ethers';
import type { ActionPayload, ContractVersion, TokenStandard } from '../domain';
import { collectionArtifact } from './artifacts';

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

function findEvent(abi: Interface, logs: readonly Log[], name: string, address: string | null) {
  for (const log of logs) {
    if (address && log.address.toLowerCase() !== address.toLowerCase()) continue;
    const parsed = abi.parseLog(log);
    if (parsed?.name === name) return parsed;
  }
  throw new Error(`receipt has no ${name} event`);
}

/** What a successful transaction created, read from its receipt. */
export function readReceipt(
  payload: ActionPayload,
  collection: { standard: TokenStandard; contract_version: ContractVersion; contract_address: string | null },
  receipt: TransactionReceipt,
): Record<string, unknown> {
  const { standard, contract_address: contractAddress } = collection;
  const abi = collectionArtifact(standard, collection.contract_version).abi;
  switch (payload.type) {
    case 'collections.create':
      if (!receipt.contractAddress) throw new Error('deployment receipt has no contract address');
      return { contractAddress: receipt.contractAddress };
    case 'tokenTypes.create': {
      const event = findEvent(abi, receipt.logs, 'TokenTypeCreated', contractAddress);
      return { tokenTypeId: event.args.typeId.toString() };
    }
    case 'nfts.create': {
      if (standard === 'erc721') {
        const event = findEvent(abi, receipt.logs, 'Transfer', contractAddress);
        if (event.args.from !== ZERO_ADDRESS) throw new Error('Transfer event is not a mint');
        return { tokenId: event.args.tokenId.toString(), owner: event.args.to, amount: '1' };
      }
      const event = findEvent(abi, receipt.logs, 'TransferSingle', contractAddress);
      return { tokenId: event.args.id.toString(), owner: event.args.to, amount: event.args.value.toString() };
    }
    case 'nfts.update': {
      const event = findEvent(abi, receipt.logs, 'MetadataUpdate', contractAddress);
      return { tokenId: event.args._tokenId.toString() };
    }
    case 'nfts.createBatch':
      throw new Error('a batch mint is read per chunk, by readMintedTokenIds');
  }
}

/** The token ids a mint transaction of the collection created, in the order it minted them. */
export function readMintedTokenIds(
  collection: { standard: TokenStandard; contract_version: ContractVersion; contract_address: string | null },
  receipt: TransactionReceipt,
): string[] {
  const abi = collectionArtifact(collection.standard, collection.contract_version).abi;
  const erc721 = collection.standard === 'erc721';
  const topic = abi.getEvent(erc721 ? 'Transfer' : 'TransferSingle')!.topicHash;
  const contract = collection.contract_address?.toLowerCase();
  // Read from the topics and data as the events lay them out, without decoding each log through the ABI (a
  // chunk has hundreds): Transfer(from, to, tokenId) has all three indexed; TransferSingle(operator, from,
  // to, id, value) has id first in its data.
  const ids: string[] = [];
  for (const log of receipt.logs) {
    if (log.topics[0] !== topic || (contract && log.address.toLowerCase() !== contract)) continue;
    const from = erc721 ? log.topics[1] : log.topics[2];
    if (BigInt(from) !== 0n) continue;
    ids.push(BigInt(erc721 ? log.topics[3] : log.data.slice(0, 66)).toString());
  }
  return ids;
}

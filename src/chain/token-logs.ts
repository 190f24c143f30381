import { AbiCoder, getAddress, id } from 'ethers';

/** The raw log fields the decoder reads (eth_getLogs' shape). */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  logIndex: string | number;
  transactionHash: string;
}

export interface TokenTransfer {
  standard: 'erc721' | 'erc1155';
  contract: string;
  tokenId: string;
  from: string;
  to: string;
  quantity: bigint;
  transaction: string;
  logIndex: number;
  /** The transfer's place in an ERC-1155 TransferBatch; 0 otherwise. */
  batchIndex: number;
}

/** An ERC-20 transfer: what a sale may have paid with. */
export interface FungibleTransfer {
  contract: string;
  from: string;
  to: string;
  value: bigint;
  transaction: string;
  logIndex: number;
}

/** EIP-4906: one token's metadata changed, or a range of them (bounds included). */
export interface MetadataUpdate {
  contract: string;
  fromTokenId: bigint;
  toTokenId: bigint;
  transaction: string;
  logIndex: number;
}

export const TOPICS = {
  transfer: id('Transfer(address,address,uint256)'),
  transferSingle: id('TransferSingle(address,address,address,uint256,uint256)'),
  transferBatch: id('TransferBatch(address,address,address,uint256[],uint256[])'),
  metadataUpdate: id('MetadataUpdate(uint256)'),
  batchMetadataUpdate: id('BatchMetadataUpdate(uint256,uint256)'),
} as const;

/** Every topic the event follower asks the node for, in one eth_getLogs per block. */
export const FOLLOWED_TOPICS = Object.values(TOPICS);

export interface DecodedLogs {
  transfers: TokenTransfer[];
  payments: FungibleTransfer[];
  metadataUpdates: MetadataUpdate[];
}

const coder = AbiCoder.defaultAbiCoder();
const word = (data: string, index: number) => BigInt(`0x${data.slice(2 + index * 64, 2 + (index + 1) * 64)}`);

/**
 * Reads token transfers (ERC-721 `Transfer`, ERC-1155 `TransferSingle` and `TransferBatch`), ERC-20
 * transfers (same topic as ERC-721's, the amount in the data) and EIP-4906 metadata updates from a block's
 * logs, from the topics and data as the standards lay them out. A log that does not fit its event's layout
 * (a contract that only borrows the name) is skipped.
 */
export function decodeTokenLogs(logs: readonly RawLog[]): DecodedLogs {
  const decoded: DecodedLogs = { transfers: [], payments: [], metadataUpdates: [] };
  // Checksumming hashes each address; a block repeats the same few contracts and wallets many times.
  const checksummed = new Map<string, string>();
  const checksum = (raw: string) => {
    let found = checksummed.get(raw);
    if (!found) checksummed.set(raw, (found = getAddress(raw)));
    return found;
  };
  const address = (topic: string) => checksum(`0x${topic.slice(26)}`);
  for (const log of logs) {
    const [topic] = log.topics;
    const base = { contract: checksum(log.address), transaction: log.transactionHash, logIndex: Number(log.logIndex) };
    try {
      if (topic === TOPICS.transfer && log.topics.length === 4) {
        decoded.transfers.push({
          ...base, standard: 'erc721', tokenId: BigInt(log.topics[3]).toString(), from: address(log.topics[1]), to: address(log.topics[2]), quantity: 1n, batchIndex: 0,
        });
      } else if (topic === TOPICS.transfer && log.topics.length === 3 && log.data.length === 66) {
        decoded.payments.push({ ...base, from: address(log.topics[1]), to: address(log.topics[2]), value: word(log.data, 0) });
      } else if (topic === TOPICS.transferSingle && log.topics.length === 4 && log.data.length === 130) {
        decoded.transfers.push({
          ...base, standard: 'erc1155', tokenId: word(log.data, 0).toString(), from: address(log.topics[2]), to: address(log.topics[3]), quantity: word(log.data, 1), batchIndex: 0,
        });
      } else if (topic === TOPICS.transferBatch && log.topics.length === 4) {
        const [ids, values] = coder.decode(['uint256[]', 'uint256[]'], log.data) as unknown as [bigint[], bigint[]];
        if (ids.length !== values.length) continue;
        ids.forEach((tokenId, batchIndex) => decoded.transfers.push({
          ...base, standard: 'erc1155', tokenId: tokenId.toString(), from: address(log.topics[2]), to: address(log.topics[3]), quantity: values[batchIndex], batchIndex,
        }));
      } else if (topic === TOPICS.metadataUpdate && log.data.length === 66) {
        const tokenId = word(log.data, 0);
        decoded.metadataUpdates.push({ ...base, fromTokenId: tokenId, toTokenId: tokenId });
      } else if (topic === TOPICS.batchMetadataUpdate && log.data.length === 130) {
        decoded.metadataUpdates.push({ ...base, fromTokenId: word(log.data, 0), toTokenId: word(log.data, 1) });
      }
    } catch {
      // Malformed data for its event: not a token log after all.
    }
  }
  return decoded;
}

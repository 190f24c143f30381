import { isCallException, type Interface } from 'ethers';

/** A readable revert reason ("execution reverted: MaxSupplyExceeded(1, 2, 2, 1)"), or undefined if not a revert. */
export function describeRevert(err: unknown, abi: Interface): string | undefined {
  if (!isCallException(err)) return undefined;
  if (err.data && err.data !== '0x') {
    try {
      const custom = abi.parseError(err.data);
      if (custom) return `execution reverted: ${custom.name}(${custom.args.map(String).join(', ')})`;
    } catch {
      // not one of the collection's errors: fall through to what ethers decoded
    }
  }
  if (err.revert) return `execution reverted: ${err.revert.name}(${err.revert.args.map(String).join(', ')})`;
  return `execution reverted${err.reason ? `: ${err.reason}` : ''}`;
}

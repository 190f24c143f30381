import type { FeeData } from 'ethers';
import { currentFees, replacementFees } from '../../src/chain/fees';

const gwei = (n: number) => BigInt(Math.round(n * 1e9));
const fees = (maxFee: number, tip: number) => ({ maxFeePerGas: gwei(maxFee), maxPriorityFeePerGas: gwei(tip) });

describe('replacement fees', () => {
  test('both fees at least 12.5 % over the last ones when the chain asks no more', () => {
    expect(replacementFees(fees(10, 1), fees(4, 0.5))).toEqual({ maxFeePerGas: gwei(11.25), maxPriorityFeePerGas: gwei(1.125) });
  });

  test('the chain\'s current fees when they are higher than the bump', () => {
    expect(replacementFees(fees(10, 1), fees(40, 2))).toEqual(fees(40, 2));
  });

  test('rounded up, never under the bump', () => {
    const next = replacementFees({ maxFeePerGas: 7n, maxPriorityFeePerGas: 1n }, { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n })!;
    expect(next.maxFeePerGas * 1000n).toBeGreaterThanOrEqual(7n * 1125n);
    expect(next.maxPriorityFeePerGas).toBe(2n);
  });

  test('the tip never above the fee cap of the transaction', () => {
    const next = replacementFees(fees(1, 1), fees(1, 5))!;
    expect(next.maxFeePerGas).toBeGreaterThanOrEqual(next.maxPriorityFeePerGas);
  });

  test('none when the chain\'s cap leaves no room for the bump', () => {
    expect(replacementFees(fees(10, 1), fees(10, 1), gwei(11))).toBeUndefined();
    expect(replacementFees(fees(10, 1), fees(10, 1), gwei(11.25))).toEqual({ maxFeePerGas: gwei(11.25), maxPriorityFeePerGas: gwei(1.125) });
  });

  test('current fees are held under the cap, the tip too', () => {
    const data = { maxFeePerGas: gwei(50), maxPriorityFeePerGas: gwei(30), gasPrice: null } as unknown as FeeData;
    expect(currentFees(data, 'anvil', gwei(20))).toEqual(fees(20, 20));
    expect(currentFees(data, 'anvil')).toEqual(fees(50, 30));
  });
});

import { Wallet } from 'ethers';
import type { PreparedTransaction } from '../../src/signing/protocol';
import { signedTransactionMismatch, toEthersTransaction } from '../../src/signing/transaction';

const prepared: PreparedTransaction = {
  type: 2, chainId: 31337, nonce: 7, to: '0x5FbDB2315678afecb367f032d93F642f64180aa3', value: '0', data: '0x1234',
  gasLimit: '100000', maxFeePerGas: '2000000000', maxPriorityFeePerGas: '1000000000',
};
const signer = Wallet.createRandom();

describe('checking what a signer returns', () => {
  test('the prepared transaction signed by the expected address matches', async () => {
    const raw = await signer.signTransaction(toEthersTransaction(prepared));
    expect(await signedTransactionMismatch(raw, prepared, signer.address)).toEqual([]);
  });

  test('another nonce, other calldata or another signer are each reported', async () => {
    const raw = await Wallet.createRandom().signTransaction(toEthersTransaction({ ...prepared, nonce: 8, data: '0xdead' }));
    const problems = await signedTransactionMismatch(raw, prepared, signer.address);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^signed by 0x/), 'nonce is 8, expected 7', 'data is 0xdead, expected 0x1234',
    ]));
  });

  test('an unsigned or malformed transaction is refused', async () => {
    expect(await signedTransactionMismatch(toEthersTransaction(prepared).unsignedSerialized, prepared, signer.address)).toEqual(['transaction is not signed']);
    expect((await signedTransactionMismatch('0xnothex', prepared, signer.address))[0]).toMatch(/^not a valid signed transaction/);
  });

  test('the signing hash sent to the signer gives the same answers, its signature recovered in a thread of its own', async () => {
    const unsignedHash = toEthersTransaction(prepared).unsignedHash;
    const raw = await signer.signTransaction(toEthersTransaction(prepared));
    expect(await signedTransactionMismatch(raw, prepared, signer.address, unsignedHash)).toEqual([]);
    // A hash that is not this transaction's: the check falls back to recovering from the transaction itself.
    expect(await signedTransactionMismatch(raw, prepared, signer.address, toEthersTransaction({ ...prepared, nonce: 9 }).unsignedHash)).toEqual([]);
    const rogue = await Wallet.createRandom().signTransaction(toEthersTransaction(prepared));
    expect(await signedTransactionMismatch(rogue, prepared, signer.address, unsignedHash)).toEqual([expect.stringMatching(/^signed by 0x/)]);
  });

  test('signatures checked at once each get their own answer from the recovery thread', async () => {
    const unsignedHash = toEthersTransaction(prepared).unsignedHash;
    const signers = [signer, Wallet.createRandom(), signer, Wallet.createRandom()];
    const raws = await Promise.all(signers.map((w) => w.signTransaction(toEthersTransaction(prepared))));
    const answers = await Promise.all(raws.map((raw) => signedTransactionMismatch(raw, prepared, signer.address, unsignedHash)));
    expect(answers.map((problems) => problems.length)).toEqual([0, 1, 0, 1]);
  });
});

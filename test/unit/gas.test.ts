import os from 'node:os';
import path from 'node:path';
import { Contract, ContractFactory, JsonRpcProvider, NonceManager, Wallet, zeroPadValue, toBeHex } from 'ethers';
import { ARTIFACTS } from '../../src/chain/artifacts';
import type { ContractVersion, TokenStandard } from '../../src/domain';
import { startAnvil } from '../../src/stack/anvil';
import { freePort } from '../../src/stack/ports';
import type { Service } from '../../src/stack/process';

/** anvil's first development key; the chain is this test's own. */
const OWNER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
/** As long as the URIs the engine stored per token in version 1 (base URL, NFT id, version). */
const V1_TOKEN_URI = 'http://127.0.0.1:3000/v1/metadata/nfts/4eada846-6b0a-4c39-9a8e-0c1f2b3d4e5f/1';
const BATCH_SIZES = [1, 10, 100, 300];

/** Fresh recipients, each holding nothing yet: the costlier case (a balance goes from zero). */
let nextRecipient = 1;
const recipients = (n: number) => Array.from({ length: n }, () => zeroPadValue(toBeHex(0xbeef0000 + nextRecipient++), 20));

/**
 * Gas of a mint, of one token, and of a token in batches, for both versions of both contracts, on a
 * throwaway anvil. Prints the table; asserts the version 2 targets.
 */
describe('gas per mint', () => {
  let anvil: Service;
  let provider: JsonRpcProvider;
  let owner: NonceManager;
  const table: Record<string, Record<string, number>> = {};
  const record = (row: string, column: string, gas: bigint, tokens = 1) => {
    (table[row] ??= {})[column] = Math.round(Number(gas) / tokens);
  };

  beforeAll(async () => {
    const port = await freePort();
    anvil = await startAnvil({ port, chainId: 31337, logFile: path.join(os.tmpdir(), `gas-anvil-${port}.log`) });
    provider = new JsonRpcProvider(`http://127.0.0.1:${port}`, 31337, { staticNetwork: true });
    owner = new NonceManager(new Wallet(OWNER_KEY, provider));
  }, 60_000);
  afterAll(async () => {
    console.log(`gas per token, fresh recipients (single mint: a collection's second mint, whole transaction)\n${JSON.stringify(table, null, 2)}`);
    provider?.destroy();
    await anvil?.stop();
  });

  async function deploy(standard: TokenStandard, version: ContractVersion): Promise<Contract> {
    const { abi, bytecode } = ARTIFACTS[version][standard];
    const ownerAddress = await owner.getAddress();
    const args = standard === 'erc721'
      ? ['Gas', 'GAS', 'http://127.0.0.1:3000/v1/metadata/collections/c', ...(version === 2 ? ['http://127.0.0.1:3000/v1/metadata/collections/c/tokens/'] : []), 0, ownerAddress]
      : ['Gas', 'GAS', 'http://127.0.0.1:3000/v1/metadata/collections/c', ...(version === 2 ? ['http://127.0.0.1:3000/v1/metadata/collections/c/tokens/'] : []), ownerAddress];
    return (await (await new ContractFactory(abi, bytecode, owner).deploy(...args)).waitForDeployment()) as Contract;
  }

  async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint; status: number | null } | null> }>): Promise<bigint> {
    const receipt = await (await tx).wait();
    expect(receipt?.status).toBe(1);
    return receipt!.gasUsed;
  }

  /** A collection's first mint also sets its counters from zero; the figure is a later mint's. */
  async function singleMint(mint: () => Promise<{ wait(): Promise<{ gasUsed: bigint; status: number | null } | null> }>): Promise<bigint> {
    await gasOf(mint());
    return gasOf(mint());
  }

  async function createType(contract: Contract, version: ContractVersion, fungible: boolean): Promise<bigint> {
    const args = version === 1 ? [0, fungible, V1_TOKEN_URI] : [0, fungible];
    const typeId = await contract.createTokenType.staticCall(...args);
    await gasOf(contract.createTokenType(...args));
    return typeId;
  }

  test('ERC-721: version 1 mintTo stores a URI per token; version 2 mints for less, and under 60k per token in a batch', async () => {
    const v1 = await deploy('erc721', 1);
    record('erc721 v1', 'single mint', await singleMint(() => v1.mintTo(recipients(1)[0], V1_TOKEN_URI)));
    const v2 = await deploy('erc721', 2);
    const single = await singleMint(() => v2.mintTo(recipients(1)[0]));
    record('erc721 v2', 'single mint', single);
    expect(single).toBeLessThan(table['erc721 v1']['single mint']);
    for (const size of BATCH_SIZES) {
      const gas = await gasOf(v2.mintBatch(recipients(size)));
      record('erc721 v2', `batch of ${size}`, gas, size);
      if (size >= 10) expect(Number(gas) / size).toBeLessThanOrEqual(60_000);
    }
    expect(await v2.totalSupply()).toBe(BigInt(2 + BATCH_SIZES.reduce((a, b) => a + b, 0)));
  }, 120_000);

  test('ERC-1155: version 2 mints for less per token, fungible and non-fungible, in a batch', async () => {
    const v1 = await deploy('erc1155', 1);
    const v1Unique = await createType(v1, 1, false);
    const v1Fungible = await createType(v1, 1, true);
    record('erc1155 v1 non-fungible', 'single mint', await singleMint(() => v1.mint(recipients(1)[0], v1Unique, 1)));
    record('erc1155 v1 fungible', 'single mint', await singleMint(() => v1.mint(recipients(1)[0], v1Fungible, 5)));

    const v2 = await deploy('erc1155', 2);
    const unique = await createType(v2, 2, false);
    const fungible = await createType(v2, 2, true);
    record('erc1155 v2 non-fungible', 'single mint', await singleMint(() => v2.mint(recipients(1)[0], unique, 1)));
    record('erc1155 v2 fungible', 'single mint', await singleMint(() => v2.mint(recipients(1)[0], fungible, 5)));
    expect(table['erc1155 v2 non-fungible']['single mint']).toBeLessThan(table['erc1155 v1 non-fungible']['single mint']);
    expect(table['erc1155 v2 fungible']['single mint']).toBeLessThanOrEqual(table['erc1155 v1 fungible']['single mint']);
    for (const size of BATCH_SIZES) {
      const to = recipients(size);
      record('erc1155 v2 non-fungible', `batch of ${size}`, await gasOf(v2.mintBatch(to, unique, to.map(() => 1))), size);
      record('erc1155 v2 fungible', `batch of ${size}`, await gasOf(v2.mintBatch(to, fungible, to.map(() => 5))), size);
      if (size >= 10) expect(table['erc1155 v2 non-fungible'][`batch of ${size}`]).toBeLessThanOrEqual(60_000);
    }
    expect((await v2.tokenTypes(unique)).minted).toBe(BigInt(2 + BATCH_SIZES.reduce((a, b) => a + b, 0)));
  }, 120_000);
});

import { ContractFactory, type Contract, type Signer, type ParamType } from 'ethers';
import { ARTIFACTS } from '../src/chain/artifacts';
import { RECIPIENT } from './config';

/**
 * The ERC-721 collection through its ABI by function name, so the bench follows the artifact: the mint
 * function is `mintTo` if there is one, else `mint`, and its arguments are made from their types and names.
 */
const abi = ARTIFACTS.erc721.abi;

function valueFor(param: ParamType, ctx: { owner: string; i: number }): unknown {
  const name = param.name.toLowerCase();
  switch (param.baseType) {
    case 'address': return name.includes('owner') ? ctx.owner : RECIPIENT;
    case 'string': return name.includes('symbol') ? 'BNCH' : name.includes('uri') ? `ipfs://bench/${ctx.i}` : `Bench ${ctx.i}`;
    case 'bool': return false;
    case 'bytes': return '0x';
    case 'array': return [];
    default:
      if (param.baseType.startsWith('uint') || param.baseType.startsWith('int')) return name.includes('max') ? 0 : 1;
      if (param.baseType.startsWith('bytes')) return `0x${'00'.repeat(Number(param.baseType.slice(5)))}`;
      throw new Error(`no value for a ${param.type} argument ${param.name}`);
  }
}

export const mintFunction = () => abi.getFunction('mintTo') ?? abi.getFunction('mint');

/** Calldata of mint number i to RECIPIENT. */
export function mintCalldata(i: number, owner: string): string {
  const fn = mintFunction();
  if (!fn) throw new Error('the ERC-721 artifact has neither mintTo nor mint');
  return abi.encodeFunctionData(fn, fn.inputs.map((p) => valueFor(p, { owner, i })));
}

/** Deploys a collection owned by the signer's address. */
export async function deployCollection(signer: Signer): Promise<Contract> {
  const owner = await signer.getAddress();
  const args = abi.deploy.inputs.map((p) => valueFor(p, { owner, i: 0 }));
  const factory = new ContractFactory(abi, ARTIFACTS.erc721.bytecode, signer);
  return (await (await factory.deploy(...args)).waitForDeployment()) as Contract;
}

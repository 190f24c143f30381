import { ContractFactory, Interface, type Contract, type Signer, type ParamType } from 'ethers';
import artifact from '../artifacts/NftCollection721.json';
import { RECIPIENT } from './config';

/**
 * The ERC-721 collection the engine deploys (artifacts/NftCollection721.json, read directly so the bench does
 * not depend on how src/chain/artifacts.ts arranges versions), called through its ABI by function name: the
 * mint function is `mintTo` if there is one, else `mint`, its arguments (and the constructor's) made from their
 * types and names, so the bench follows the artifact when the contract changes.
 */
const abi = new Interface(artifact.abi);
const bytecode = artifact.bytecode;

function valueFor(param: ParamType, ctx: { owner: string; i: number }): unknown {
  const name = param.name.toLowerCase();
  switch (param.baseType) {
    case 'address': return name.includes('owner') ? ctx.owner : RECIPIENT;
    // A token URI as long as the engine's (PUBLIC_BASE_URL/v1/metadata/…/<uuid>/<version>), so gas compares.
    case 'string': return name.includes('symbol') ? 'BNCH' : name.includes('uri') ? `http://127.0.0.1:3000/v1/metadata/nfts/00000000-0000-4000-8000-${String(ctx.i).padStart(12, '0')}/1` : `Bench ${ctx.i}`;
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

/** The data of a transaction deploying a collection owned by `owner`. */
export async function deployData(owner: string): Promise<string> {
  return (await new ContractFactory(abi, bytecode).getDeployTransaction(...abi.deploy.inputs.map((p) => valueFor(p, { owner, i: 0 })))).data;
}

/** Deploys a collection owned by the signer's address. */
export async function deployCollection(signer: Signer): Promise<Contract> {
  const owner = await signer.getAddress();
  const args = abi.deploy.inputs.map((p) => valueFor(p, { owner, i: 0 }));
  const factory = new ContractFactory(abi, bytecode, signer);
  return (await (await factory.deploy(...args)).waitForDeployment()) as Contract;
}

import { Interface } from 'ethers';
import erc1155Artifact from '../../artifacts/NftCollection1155.json';
import erc721Artifact from '../../artifacts/NftCollection721.json';
import type { TokenStandard } from '../domain';

export const ARTIFACTS: Record<TokenStandard, { abi: Interface; bytecode: string }> = {
  erc721: { abi: new Interface(erc721Artifact.abi), bytecode: erc721Artifact.bytecode },
  erc1155: { abi: new Interface(erc1155Artifact.abi), bytecode: erc1155Artifact.bytecode },
};

/** Every function the engine calls on its contracts: the reference signer allows only these. */
export const ENGINE_FUNCTIONS = ['mintTo', 'setTokenURI', 'createTokenType', 'mint'] as const;

import { Interface } from 'ethers';
import erc1155Artifact from '../../artifacts/NftCollection1155.json';
import erc721Artifact from '../../artifacts/NftCollection721.json';
import erc1155V1Artifact from '../../artifacts/v1/NftCollection1155.json';
import erc721V1Artifact from '../../artifacts/v1/NftCollection721.json';
import type { ContractVersion, TokenStandard } from '../domain';

/** The version new collections are deployed with; collections keep the version they were deployed with. */
export const CURRENT_CONTRACT_VERSION: ContractVersion = 2;

export interface CollectionArtifact {
  abi: Interface;
  bytecode: string;
}

const artifact = (a: { abi: unknown[]; bytecode: string }): CollectionArtifact => ({ abi: new Interface(a.abi as string[]), bytecode: a.bytecode });

export const ARTIFACTS: Record<ContractVersion, Record<TokenStandard, CollectionArtifact>> = {
  1: { erc721: artifact(erc721V1Artifact), erc1155: artifact(erc1155V1Artifact) },
  2: { erc721: artifact(erc721Artifact), erc1155: artifact(erc1155Artifact) },
};

export const collectionArtifact = (standard: TokenStandard, version: ContractVersion) => ARTIFACTS[version][standard];

/** Every function the engine calls on its contracts, in any version: the reference signer allows only these. */
export const ENGINE_FUNCTIONS = ['mintTo', 'mint', 'mintBatch', 'createTokenType', 'setTokenURI', 'notifyMetadataUpdate'] as const;

import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { CURRENT_CONTRACT_VERSION } from '../../chain/artifacts';
import type { ChainRegistry } from '../../chain/chains';
import type { CollectionRow, OpenSeaMetadata, TokenTypeRow } from '../../domain';
import { setUpdateMetadataVersion } from '../../store/actions';
import { insertBatchMintItems } from '../../store/batch-mints';
import { acceptMint, isSupplyExceeded } from '../../store/mint-acceptance';
import { lastActionStatuses, nftStatuses } from '../../store/resource-status';
import {
  findCollection, findNft, findNftMetadata, findTokenType, insertCollection, insertNftMetadata, insertTokenType,
  listCollections, listNfts, listTokenTypes, nextNftMetadataVersion, reserveSupply,
} from '../../store/resources';
import { projectOf } from '../auth';
import { planWhileStoring } from '../batch-plan';
import { presentAction, presentCollection, presentNft, presentTokenType } from '../present';
import { fieldProblem, notFound, parseInput as parse, Problem, type FieldError } from '../problem';
import { batchMintBody, createCollectionBody, createTokenTypeBody, idempotencyKey, idParam, listQuery, mintBody, updateNftBody } from '../schemas';
import { decodeCursor, encodeCursor } from '../cursor';
import { actionIdFor, requestHash, submitAction, submitStored, type SubmitDeps } from '../submit-action';

/** ERC-1155 contract version 2 packs a type's maxSupply and minted count into one storage slot. */
const MAX_TOKEN_TYPE_SUPPLY = 2n ** 120n - 1n;

/** Why an ERC-1155 mint of the type cannot carry metadata of its own: its token's URI serves the type's metadata. */
function ownMetadataRefusal(collection: CollectionRow, tokenType: TokenTypeRow): string | undefined {
  if (tokenType.fungible) return "every holder of a fungible token type shares its token id, whose URI serves the type's metadata";
  if (collection.contract_version === 1) {
    return "a version 1 contract points a new ERC-1155 token at its type's metadata; update the NFT once minted to give it its own";
  }
  return undefined;
}

export interface CollectionRoutesDeps extends SubmitDeps {
  chains: ChainRegistry;
}

export function collectionRoutes(deps: CollectionRoutesDeps): Router {
  const { db, urls } = deps;
  const router = Router();

  const keyOf = (req: Request) => {
    const key = req.header('idempotency-key');
    return key === undefined ? undefined : parse(idempotencyKey, key, 'header.Idempotency-Key');
  };

  const accepted = (res: Response, result: Awaited<ReturnType<typeof submitAction>>) => {
    res.locals.actionId = result.action.id;
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(202).location(urls.action(result.action.id)).json(presentAction(result.action, urls));
  };

  async function loadCollection(req: Request, res: Response): Promise<CollectionRow> {
    const id = parse(idParam, req.params.collectionId, 'path.collectionId');
    const collection = await findCollection(db, projectOf(res).id, id);
    if (!collection) throw notFound('collection', id);
    return collection;
  }

  function requireDeployed(collection: CollectionRow) {
    if (collection.status !== 'deployed') {
      throw new Problem(409, 'collection_not_deployed', 'The collection contract is not deployed',
        `Collection ${collection.id} is ${collection.status}; wait for its collections.create action to succeed`, { collectionId: collection.id });
    }
  }

  /** The ERC-1155 token type a mint names: it must exist in the collection and be created on chain. */
  async function loadMintableTokenType(collection: CollectionRow, tokenTypeId: string | undefined): Promise<TokenTypeRow> {
    if (!tokenTypeId) throw fieldProblem([{ field: 'body.tokenTypeId', message: 'required for an ERC-1155 mint' }]);
    const tokenType = await findTokenType(db, collection.id, tokenTypeId);
    if (!tokenType) throw fieldProblem([{ field: 'body.tokenTypeId', message: `no token type ${tokenTypeId} in collection ${collection.id}` }]);
    if (tokenType.status !== 'created') {
      throw new Problem(409, 'token_type_not_created', 'The token type is not created on chain yet', `Token type ${tokenType.id} is ${tokenType.status}`);
    }
    return tokenType;
  }

  const maxSupplyExceeded = (supply: { table: 'collections' | 'token_types'; id: string }, amount: string) =>
    new Problem(409, 'max_supply_exceeded', 'The mint exceeds maxSupply',
      `Minting ${amount} more would exceed the maxSupply of ${supply.table === 'collections' ? 'collection' : 'token type'} ${supply.id}`);

  router.post('/', async (req, res) => {
    const project = projectOf(res);
    const body = parse(createCollectionBody, req.body);
    const chain = deps.chains.byName(body.chain);
    if (!chain) {
      throw fieldProblem([{ field: 'body.chain', message: `unknown chain '${body.chain}'; configured: ${deps.chains.chains.map((c) => c.name).join(', ')}` }]);
    }
    if (body.standard === 'erc1155' && body.maxSupply !== '0') {
      throw fieldProblem([{ field: 'body.maxSupply', message: 'ERC-1155 collections set maxSupply per token type' }]);
    }
    const key = keyOf(req);
    const actionId = actionIdFor(project.id, key);
    const collectionId = randomUUID();
    const metadata = { name: body.name, ...body.metadata } as OpenSeaMetadata;
    accepted(res, await submitAction(deps, {
      id: actionId, projectId: project.id, type: 'collections.create', chain: chain.name, chainId: chain.chainId,
      collectionId, resourceId: collectionId, idempotencyKey: key ?? null, requestHash: requestHash('POST', req.originalUrl, body),
      payload: { type: 'collections.create', standard: body.standard, name: body.name, symbol: body.symbol, metadata, maxSupply: body.maxSupply },
    }, (tx) => insertCollection(tx, {
      id: collectionId, projectId: project.id, chain: chain.name, chainId: chain.chainId, standard: body.standard,
      contractVersion: CURRENT_CONTRACT_VERSION, name: body.name, symbol: body.symbol, metadata, maxSupply: body.maxSupply, actionId,
    })));
  });

  router.get('/', async (_req, res) => {
    const projectId = projectOf(res).id;
    const collections = await listCollections(db, projectId, 100);
    const last = await lastActionStatuses(db, projectId, collections.map((c) => c.id));
    res.json({ data: collections.map((c) => presentCollection(c, last.get(c.id)!)) });
  });

  router.get('/:collectionId', async (req, res) => {
    const collection = await loadCollection(req, res);
    const last = await lastActionStatuses(db, collection.project_id, [collection.id]);
    res.json(presentCollection(collection, last.get(collection.id)!));
  });

  router.post('/:collectionId/token-types', async (req, res) => {
    const project = projectOf(res);
    const collection = await loadCollection(req, res);
    const body = parse(createTokenTypeBody, req.body);
    if (collection.standard !== 'erc1155') {
      throw new Problem(409, 'not_erc1155', 'Token types exist only in ERC-1155 collections', `Collection ${collection.id} is ${collection.standard}`);
    }
    requireDeployed(collection);
    if (collection.contract_version >= 2 && BigInt(body.maxSupply) > MAX_TOKEN_TYPE_SUPPLY) {
      throw fieldProblem([{ field: 'body.maxSupply', message: `at most ${MAX_TOKEN_TYPE_SUPPLY} (the contract keeps a type's supply in 120 bits)` }]);
    }
    const key = keyOf(req);
    const actionId = actionIdFor(project.id, key);
    const tokenTypeId = randomUUID();
    accepted(res, await submitAction(deps, {
      id: actionId, projectId: project.id, type: 'tokenTypes.create', chain: collection.chain, chainId: collection.chain_id,
      collectionId: collection.id, resourceId: tokenTypeId, idempotencyKey: key ?? null, requestHash: requestHash('POST', req.originalUrl, body),
      payload: { type: 'tokenTypes.create', tokenTypeId, metadata: body.metadata, maxSupply: body.maxSupply, fungible: body.fungible },
    }, (tx) => insertTokenType(tx, {
      id: tokenTypeId, projectId: project.id, collectionId: collection.id, metadata: body.metadata, maxSupply: body.maxSupply,
      fungible: body.fungible, actionId,
    })));
  });

  router.get('/:collectionId/token-types', async (req, res) => {
    const collection = await loadCollection(req, res);
    const tokenTypes = await listTokenTypes(db, collection.id);
    const last = await lastActionStatuses(db, collection.project_id, tokenTypes.map((t) => t.id));
    res.json({ data: tokenTypes.map((t) => presentTokenType(t, last.get(t.id)!)) });
  });

  router.get('/:collectionId/token-types/:tokenTypeId', async (req, res) => {
    const collection = await loadCollection(req, res);
    const id = parse(idParam, req.params.tokenTypeId, 'path.tokenTypeId');
    const tokenType = await findTokenType(db, collection.id, id);
    if (!tokenType) throw notFound('token type', id);
    const last = await lastActionStatuses(db, collection.project_id, [tokenType.id]);
    res.json(presentTokenType(tokenType, last.get(tokenType.id)!));
  });

  router.post('/:collectionId/nfts', async (req, res) => {
    const project = projectOf(res);
    const collection = await loadCollection(req, res);
    const body = parse(mintBody, req.body);
    let metadata: OpenSeaMetadata;
    if (collection.standard === 'erc721') {
      const errors = [];
      if (!body.metadata) errors.push({ field: 'body.metadata', message: 'required for an ERC-721 mint' });
      if (body.tokenTypeId) errors.push({ field: 'body.tokenTypeId', message: 'ERC-721 collections have no token types' });
      if (body.amount !== '1') errors.push({ field: 'body.amount', message: 'an ERC-721 mint is always 1 token' });
      if (errors.length) throw fieldProblem(errors);
      metadata = body.metadata!;
    } else {
      const tokenType = await loadMintableTokenType(collection, body.tokenTypeId);
      const errors: FieldError[] = [];
      if (!tokenType.fungible && body.amount !== '1') errors.push({ field: 'body.amount', message: 'a non-fungible token type mints one token at a time' });
      const refusal = body.metadata && ownMetadataRefusal(collection, tokenType);
      if (refusal) errors.push({ field: 'body.metadata', message: refusal });
      if (errors.length) throw fieldProblem(errors);
      metadata = body.metadata ?? tokenType.metadata;
    }
    requireDeployed(collection);
    const key = keyOf(req);
    const actionId = actionIdFor(project.id, key);
    const nftId = randomUUID();
    const supply = body.tokenTypeId ? { table: 'token_types' as const, id: body.tokenTypeId } : { table: 'collections' as const, id: collection.id };
    const action = {
      id: actionId, projectId: project.id, type: 'nfts.create' as const, chain: collection.chain, chainId: collection.chain_id,
      collectionId: collection.id, resourceId: nftId, idempotencyKey: key ?? null, requestHash: requestHash('POST', req.originalUrl, body),
      payload: { type: 'nfts.create' as const, nftId, recipient: body.recipient, tokenTypeId: body.tokenTypeId ?? null, amount: body.amount },
    };
    const mint = { nftId, tokenTypeId: body.tokenTypeId ?? null, recipient: body.recipient, amount: body.amount, metadata, supply };
    accepted(res, await submitStored(deps, action, () => acceptMint(deps.db, action, mint).catch((err) => {
      throw isSupplyExceeded(err) ? maxSupplyExceeded(supply, body.amount) : err;
    })));
  });

  router.post('/:collectionId/nfts/batch', async (req, res) => {
    const project = projectOf(res);
    const collection = await loadCollection(req, res);
    const body = parse(batchMintBody, req.body);
    const errors: FieldError[] = [];
    let tokenType: TokenTypeRow | undefined;
    if (collection.standard === 'erc721') {
      if (body.tokenTypeId) errors.push({ field: 'body.tokenTypeId', message: 'ERC-721 collections have no token types' });
      body.items.forEach((item, i) => {
        if (!item.metadata) errors.push({ field: `body.items.${i}.metadata`, message: 'required for an ERC-721 mint' });
        if (item.amount !== '1') errors.push({ field: `body.items.${i}.amount`, message: 'an ERC-721 mint is always 1 token' });
      });
    } else {
      tokenType = await loadMintableTokenType(collection, body.tokenTypeId);
      const { fungible } = tokenType;
      const metadataRefusal = ownMetadataRefusal(collection, tokenType);
      body.items.forEach((item, i) => {
        if (!fungible && item.amount !== '1') {
          errors.push({ field: `body.items.${i}.amount`, message: 'a non-fungible token type mints one token per recipient' });
        }
        if (item.metadata && metadataRefusal) errors.push({ field: `body.items.${i}.metadata`, message: metadataRefusal });
      });
    }
    if (errors.length) throw fieldProblem(errors);
    requireDeployed(collection);
    if (collection.contract_version < 2) {
      throw new Problem(409, 'batch_mint_unsupported', 'The collection contract has no batch mint',
        `Collection ${collection.id} was deployed with contract version ${collection.contract_version}; batch mints need version 2 or later`);
    }
    const key = keyOf(req);
    const actionId = actionIdFor(project.id, key);
    const items = body.items.map((item) => ({
      nftId: randomUUID(), recipient: item.recipient, amount: item.amount, metadata: item.metadata ?? tokenType!.metadata,
    }));
    const total = items.reduce((sum, item) => sum + BigInt(item.amount), 0n).toString();
    const supply = tokenType ? { table: 'token_types' as const, id: tokenType.id } : { table: 'collections' as const, id: collection.id };
    const storePlan = planWhileStoring(deps, { collection, tokenTypeId: tokenType?.token_type_id ?? null, from: project.signer_address, items });
    accepted(res, await submitAction(deps, {
      id: actionId, projectId: project.id, type: 'nfts.createBatch', chain: collection.chain, chainId: collection.chain_id,
      collectionId: collection.id, resourceId: actionId, idempotencyKey: key ?? null, requestHash: requestHash('POST', req.originalUrl, body),
      payload: { type: 'nfts.createBatch', tokenTypeId: tokenType?.id ?? null, itemCount: items.length },
    }, async (tx) => {
      if (!(await reserveSupply(tx, supply.table, supply.id, total))) throw maxSupplyExceeded(supply, total);
      await insertBatchMintItems(tx, { actionId, projectId: project.id, collectionId: collection.id, tokenTypeId: tokenType?.id ?? null, items });
      await storePlan(tx, actionId);
    }));
  });

  router.get('/:collectionId/nfts', async (req, res) => {
    const collection = await loadCollection(req, res);
    const { limit, cursor } = parse(listQuery, req.query, 'query');
    const before = cursor ? decodeCursor(cursor) : undefined;
    const rows = await listNfts(db, collection.id, { limit, before: before && { createdAt: before.at, id: before.id } });
    const statuses = await nftStatuses(db, collection.project_id, rows.map((row) => row.id));
    const last = rows.at(-1);
    res.json({
      data: rows.map((row) => presentNft(row, collection, row.metadata, statuses.get(row.id)!, urls)),
      nextCursor: rows.length === limit && last ? encodeCursor(last.created_at, last.id) : null,
    });
  });

  router.get('/:collectionId/nfts/:nftId', async (req, res) => {
    const collection = await loadCollection(req, res);
    const id = parse(idParam, req.params.nftId, 'path.nftId');
    const nft = await findNft(db, collection.id, id);
    if (!nft) throw notFound('NFT', id);
    const [metadata, status] = await Promise.all([findNftMetadata(db, nft.id, nft.metadata_version), nftStatuses(db, collection.project_id, [nft.id]).then((s) => s.get(nft.id)!)]);
    res.json(presentNft(nft, collection, metadata, status, urls));
  });

  router.patch('/:collectionId/nfts/:nftId', async (req, res) => {
    const project = projectOf(res);
    const collection = await loadCollection(req, res);
    const id = parse(idParam, req.params.nftId, 'path.nftId');
    const body = parse(updateNftBody, req.body);
    const nft = await findNft(db, collection.id, id);
    if (!nft) throw notFound('NFT', id);
    if (nft.status !== 'minted') throw new Problem(409, 'nft_not_minted', 'The NFT is not minted', `NFT ${nft.id} is ${nft.status}`);
    if (nft.token_type_id) {
      const tokenType = await findTokenType(db, collection.id, nft.token_type_id);
      if (tokenType?.fungible) {
        throw new Problem(409, 'fungible_token', 'A fungible token has no metadata of its own', 'Every holder of a fungible token type shares its metadata');
      }
    }
    const key = keyOf(req);
    const actionId = actionIdFor(project.id, key);
    const hash = requestHash('PATCH', req.originalUrl, body);
    accepted(res, await submitAction(deps, {
      id: actionId, projectId: project.id, type: 'nfts.update', chain: collection.chain, chainId: collection.chain_id,
      collectionId: collection.id, resourceId: nft.id, idempotencyKey: key ?? null, requestHash: hash,
      // The version is assigned inside the transaction below; the stored payload is rewritten there.
      payload: { type: 'nfts.update', nftId: nft.id, metadataVersion: 0 },
    }, async (tx) => {
      const version = await nextNftMetadataVersion(tx, nft.id);
      await insertNftMetadata(tx, nft.id, version, body.metadata);
      await setUpdateMetadataVersion(tx, actionId, version);
    }));
  });

  return router;
}

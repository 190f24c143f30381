import { Router } from 'express';
import type { Queryable } from '../../db/database';
import type { OpenSeaMetadata } from '../../domain';
import {
  findAnnouncedNftMetadata, findCollectionById, findNftById, findNftByTokenId, findNftMetadata, findTokenTypeById, findTokenTypeByTokenId,
} from '../../store/resources';
import { notFound, parseInput } from '../problem';
import { idParam } from '../schemas';
import { z } from 'zod';

export const metadataVersion = z.coerce.number().int().min(1);
export const metadataTokenId = z.string().regex(/^[1-9]\d{0,77}$/, 'must be a token id (a positive integer)');

/** Public token metadata (OpenSea metadata standard) that the contracts' URIs point at. */
export function metadataRoutes(db: Queryable): Router {
  const router = Router();
  const id = (value: unknown, field: string) => parseInput(idParam, value, field);

  router.get('/collections/:id', async (req, res) => {
    const collection = await findCollectionById(db, id(req.params.id, 'path.id'));
    if (!collection) throw notFound('collection', req.params.id);
    res.set('cache-control', 'public, max-age=60').json(collection.metadata);
  });

  /**
   * Where version 2 contracts point a token's URI: the current metadata of an ERC-721 token, or of an
   * ERC-1155 token type (its id is the type id) or non-fungible token.
   */
  router.get('/collections/:id/tokens/:tokenId', async (req, res) => {
    const collectionId = id(req.params.id, 'path.id');
    const token = parseInput(metadataTokenId, req.params.tokenId, 'path.tokenId');
    let metadata: OpenSeaMetadata | undefined = (await findTokenTypeByTokenId(db, collectionId, token))?.metadata;
    if (!metadata) {
      const nft = await findNftByTokenId(db, collectionId, token);
      if (nft) metadata = await findAnnouncedNftMetadata(db, nft.id);
    }
    if (!metadata) throw notFound('token', `${req.params.id}/${req.params.tokenId}`);
    res.set('cache-control', 'no-cache').json(metadata);
  });

  router.get('/token-types/:id', async (req, res) => {
    const tokenType = await findTokenTypeById(db, id(req.params.id, 'path.id'));
    if (!tokenType) throw notFound('token type', req.params.id);
    res.set('cache-control', 'public, max-age=60').json(tokenType.metadata);
  });

  router.get('/nfts/:id/:version', async (req, res) => {
    const metadata = await findNftMetadata(db, id(req.params.id, 'path.id'), parseInput(metadataVersion, req.params.version, 'path.version'));
    if (!metadata) throw notFound('NFT metadata version', `${req.params.id}/${req.params.version}`);
    // A version never changes once written.
    res.set('cache-control', 'public, max-age=31536000, immutable').json(metadata);
  });

  router.get('/nfts/:id', async (req, res) => {
    const nft = await findNftById(db, id(req.params.id, 'path.id'));
    if (!nft) throw notFound('NFT', req.params.id);
    res.set('cache-control', 'no-cache').json(await findNftMetadata(db, nft.id, nft.metadata_version));
  });

  return router;
}

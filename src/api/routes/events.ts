import { createHash, randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Database } from '../../db/database';
import { insertAppEvent, listAppEvents } from '../../store/app-events';
import { findCollection, findProjectNft, findProjectNftByToken } from '../../store/resources';
import { appEventPayload, ownerCopyOf } from '../../webhooks/app-event-types';
import { projectOf } from '../auth';
import { decodeCursor, encodeCursor } from '../cursor';
import { fieldProblem, notFound, parseInput, Problem } from '../problem';
import { createAppEventBody, idempotencyKey, listAppEventsQuery } from '../schemas';
import { requestHash } from '../submit-action';

/** The event id: derived from the Idempotency-Key so a repeated request finds the same event. */
const eventIdFor = (projectId: string, key: string | undefined) =>
  `evt_${key ? createHash('sha256').update(`app\0${projectId}\0${key}`).digest('hex').slice(0, 32) : randomUUID().replaceAll('-', '')}`;

export interface EventRoutesDeps {
  db: Database;
  /** A webhook dispatcher in this process, if any: the event goes out at once instead of at its next poll. */
  wakeDispatcher?: () => void;
}

/** Application events about the project's NFTs, delivered through its webhook endpoints. */
export function eventRoutes({ db, wakeDispatcher }: EventRoutesDeps): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const projectId = projectOf(res).id;
    const body = parseInput(createAppEventBody, req.body);
    const rawKey = req.header('idempotency-key');
    const key = rawKey === undefined ? undefined : parseInput(idempotencyKey, rawKey, 'header.Idempotency-Key');
    const nft = body.nftId
      ? await findProjectNft(db, projectId, body.nftId)
      : await findProjectNftByToken(db, projectId, body.chain!, body.contractAddress!, body.tokenId!);
    if (!nft) {
      throw body.nftId
        ? notFound('NFT', body.nftId)
        : fieldProblem([{ field: 'body.tokenId', message: `no NFT of this project with token id ${body.tokenId} in contract ${body.contractAddress} on ${body.chain}` }]);
    }
    if (nft.status !== 'minted') throw new Problem(409, 'nft_not_minted', 'The NFT is not minted', `NFT ${nft.id} is ${nft.status}`);
    const collection = (await findCollection(db, projectId, nft.collection_id))!;
    const id = eventIdFor(projectId, key);
    const createdAt = new Date();
    const actor = body.actor ?? null;
    const payload = appEventPayload({
      id, type: body.type, createdAt, actor, data: body.data,
      nft: { id: nft.id, collectionId: collection.id, chain: collection.chain, contractAddress: collection.contract_address, tokenId: nft.token_id },
    });
    const hash = requestHash('POST', '/v1/events', body);
    const { row, created } = await insertAppEvent(db, {
      id, project_id: projectId, type: body.type, nft_id: nft.id, collection_id: collection.id, chain: collection.chain, actor, data: body.data,
      payload, idempotency_key: key ?? null, request_hash: hash, createdAt,
    }, collection.contract_address && nft.token_id !== null ? {
      chainId: collection.chain_id, contract: collection.contract_address, tokenId: String(nft.token_id),
      copy: (subscriptionId, owner) => ownerCopyOf(payload, subscriptionId, owner),
    } : undefined);
    if (!created && row.request_hash !== hash) {
      throw new Problem(422, 'idempotency_key_reused', 'Idempotency-Key already used for another request',
        `Event ${row.id} was recorded with this key from a different request; use a new key`, { eventId: row.id });
    }
    if (created) wakeDispatcher?.();
    else res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).json(row.payload);
  });

  router.get('/', async (req, res) => {
    const { cursor, limit, ...filter } = parseInput(listAppEventsQuery, req.query, 'query');
    const before = cursor ? decodeCursor(cursor) : undefined;
    const rows = await listAppEvents(db, projectOf(res).id, { ...filter, limit, before: before && { createdAt: before.at, id: before.id } });
    const last = rows.at(-1);
    res.json({ data: rows.map((r) => r.payload), nextCursor: rows.length === limit && last ? encodeCursor(last.created_at, last.id) : null });
  });

  return router;
}

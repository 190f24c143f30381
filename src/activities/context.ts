import type { CallContext } from '../chain/calls';
import type { Queryable } from '../db/database';
import type { ActionRow, CollectionRow, MetadataUrls, ProjectRow } from '../domain';
import { getAction } from '../store/actions';
import { getProject } from '../store/projects';
import { findNftById, findTokenTypeById, getCollection } from '../store/resources';

export interface ActionContext {
  action: ActionRow;
  project: ProjectRow;
  collection: CollectionRow;
  call: CallContext;
}

/** Loads an action with everything its transaction refers to. */
export async function loadActionContext(db: Queryable, actionId: string, urls: MetadataUrls): Promise<ActionContext> {
  const action = await getAction(db, actionId);
  const project = await getProject(db, action.project_id);
  const collection = await getCollection(db, action.collection_id);
  const { payload } = action;
  const tokenTypeId = payload.type === 'nfts.create' || payload.type === 'nfts.createBatch' ? payload.tokenTypeId : null;
  const nftId = payload.type === 'nfts.update' ? payload.nftId : null;
  return {
    action,
    project,
    collection,
    call: {
      owner: project.signer_address,
      collection,
      tokenType: tokenTypeId ? await findTokenTypeById(db, tokenTypeId) : undefined,
      nft: nftId ? await findNftById(db, nftId) : undefined,
      urls,
    },
  };
}

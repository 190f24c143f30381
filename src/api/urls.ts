import type { ActionRow, ApiUrls, MetadataUrls } from '../domain';

/** Public URLs of the API: the metadata the contracts point at, and the resources actions create. */
export function apiUrls(baseUrl: string): ApiUrls {
  const metadata: MetadataUrls = {
    collection: (id) => `${baseUrl}/v1/metadata/collections/${id}`,
    tokenType: (id) => `${baseUrl}/v1/metadata/token-types/${id}`,
    nft: (id, version) => `${baseUrl}/v1/metadata/nfts/${id}/${version}`,
    tokenBase: (collectionId) => `${baseUrl}/v1/metadata/collections/${collectionId}/tokens/`,
  };
  const resource = (action: Pick<ActionRow, 'type' | 'collection_id' | 'resource_id'>) => {
    const collection = `${baseUrl}/v1/collections/${action.collection_id}`;
    if (action.type === 'collections.create') return collection;
    if (action.type === 'tokenTypes.create') return `${collection}/token-types/${action.resource_id}`;
    // A batch mint's resource is its list of per-recipient results (its resource id is the action's id).
    if (action.type === 'nfts.createBatch') return `${baseUrl}/v1/actions/${action.resource_id}/items`;
    return `${collection}/nfts/${action.resource_id}`;
  };
  return { metadata, resource, action: (id: string) => `${baseUrl}/v1/actions/${id}` };
}

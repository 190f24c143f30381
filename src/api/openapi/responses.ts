/**
 * JSON Schemas (2020-12) of what the API answers, for the OpenAPI description. Requests are described from
 * the zod schemas that validate them; answers are built by the present* functions, so they are written out
 * here: the fields clients rely on are required, and objects stay open to fields added later.
 */
type Schema = Record<string, unknown>;

const str = { type: 'string' };
const nullableStr = { type: ['string', 'null'] };
const time = { type: 'string', format: 'date-time' };
const nullableTime = { type: ['string', 'null'], format: 'date-time' };
const int = { type: 'integer' };
const obj = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({ type: 'object', properties, required });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const list = (item: string, cursor = true) => obj(cursor ? { data: { type: 'array', items: ref(item) }, nextCursor: nullableStr } : { data: { type: 'array', items: ref(item) } });

const onChainTypeId = { type: ['string', 'null'], description: "An ERC-1155 token type's id in its contract (null until created); mints name the type by its `id`" };
const transactionHash = { type: ['string', 'null'], description: 'The transaction of the last action on it (Venly): the one that created it, minted it or last updated it' };
const errorMessage = { type: ['string', 'null'], description: 'Why the last action on it failed (Venly); null unless it failed' };
const supplyUsed = { type: 'string', description: 'Minted and being minted: what a new mint is checked against maxSupply with' };
const onChainTypeIdAsBefore = { ...onChainTypeId, deprecated: true, description: 'The same as onChainTypeId, under its former name' };

const action = obj({
  actionId: str,
  type: { type: 'string', enum: ['collections.create', 'tokenTypes.create', 'nfts.create', 'nfts.update', 'nfts.createBatch'] },
  status: { type: 'string', enum: ['pending', 'succeeded', 'failed', 'cancelled'] },
  stage: str,
  chain: str,
  chainId: int,
  startedAt: nullableTime,
  completedAt: nullableTime,
  txId: nullableStr,
  nonce: { type: ['integer', 'null'] },
  resource: {
    type: 'object',
    properties: { url: str, collectionId: nullableStr, id: nullableStr, onChainTypeId, tokenTypeId: onChainTypeIdAsBefore },
    required: ['url'],
  },
  cancelRequestedAt: time,
  error: obj({ reason: str, message: str }),
}, ['actionId', 'type', 'status', 'stage', 'chain', 'chainId', 'startedAt', 'completedAt', 'txId', 'nonce', 'resource']);

const endpoint = obj({
  id: str, url: str, format: { type: 'string', enum: ['standard', 'tokenview'] }, description: str, eventTypes: { type: 'array', items: str }, filters: { type: 'object' },
  auth: obj({ type: { type: 'string', enum: ['none', 'basic', 'header'] } }), ordered: { type: 'boolean' }, status: str, disabledReason: nullableStr,
  previousSecretExpiresAt: nullableTime, failingSince: nullableTime, createdAt: time,
});

const fn = obj({
  id: str, route: str, phase: { type: 'string', enum: ['pre', 'post'] }, url: str, timeoutMs: int, enabled: { type: 'boolean' }, order: int,
  createdAt: time, updatedAt: time,
});

const functionOutcome = obj({ id: str, url: str, status: { type: ['integer', 'null'] }, body: {}, error: str, durationMs: int }, ['id', 'url', 'status', 'durationMs']);

export const RESPONSE_SCHEMAS: Record<string, Schema> = {
  Problem: obj({
    type: str, code: str, title: str, status: int, detail: str,
    errors: { type: 'array', items: obj({ field: str, message: str }) },
    functionId: str, functionBody: {},
  }, ['type', 'code', 'title', 'status']),
  Action: action,
  ActionList: list('Action'),
  CrossmintActionStatus: obj({
    actionId: str, action: str, status: { type: 'string', enum: ['pending', 'succeeded', 'failed', 'cancelled'] }, data: { type: 'object' },
    startedAt: time, completedAt: { type: ['string', 'null'], format: 'date-time' }, resource: str,
  }, ['actionId', 'action', 'status', 'data', 'startedAt', 'completedAt', 'resource']),
  Collection: obj({
    id: str, chain: str, chainId: int, standard: { type: 'string', enum: ['erc721', 'erc1155'] }, contractVersion: int, name: str, symbol: str,
    metadata: { type: 'object' }, maxSupply: str, supplyUsed, contractAddress: nullableStr, status: str, actionId: str, transactionHash, errorMessage, createdAt: time,
  }),
  CollectionList: obj({ data: { type: 'array', items: ref('Collection') } }),
  TokenTypeList: obj({ data: { type: 'array', items: ref('TokenType') } }),
  NftList: list('Nft'),
  ActionStages: obj({ data: { type: 'array', items: obj({ stage: str, at: time }) } }),
  ActionsPerMinute: obj({ since: time, data: { type: 'array', items: obj({ minute: time, status: str, count: int }) } }),
  TokenType: obj({
    id: str, collectionId: str, onChainTypeId, tokenTypeId: onChainTypeIdAsBefore, metadata: { type: 'object' }, maxSupply: str, supplyUsed, fungible: { type: 'boolean' },
    status: str, actionId: str, transactionHash, errorMessage, createdAt: time,
  }),
  Nft: obj({
    id: str, collectionId: str, tokenTypeId: { type: ['string', 'null'], description: "The token type's id (a UUID), as the mint named it" },
    tokenId: nullableStr, recipient: str, amount: str, metadata: {}, metadataVersion: int,
    tokenURI: nullableStr, status: str, actionId: str, transactionHash, errorMessage,
    mintNumber: {
      type: ['integer', 'null'],
      description: "Its place among the minted NFTs of its non-fungible token type, by token id, from 1 (Venly's mintNumber); null for other NFTs and until minted",
    },
    createdAt: time, updatedAt: time,
  }),
  BatchItemList: obj({
    data: { type: 'array', items: obj({ index: int, recipient: str, nftId: str, tokenId: nullableStr, amount: str, txHash: nullableStr, status: str }) },
    nextCursor: nullableStr,
  }),
  Endpoint: endpoint,
  EndpointWithSecret: { allOf: [ref('Endpoint'), obj({ secret: str })] },
  EndpointList: obj({ data: { type: 'array', items: ref('Endpoint') } }),
  DeliveryList: obj({
    total: int,
    data: {
      type: 'array',
      items: obj({
        id: str, endpointId: str, eventId: str, eventType: str, status: str, attempts: int, lastStatusCode: { type: ['integer', 'null'] },
        lastError: nullableStr, createdAt: time,
        url: str, request: { type: 'string', description: 'The body as sent' }, tryTimes: int, statusCode: { type: ['integer', 'null'] }, response: nullableStr,
        history: { type: 'array', items: obj({ attempt: int, startedAt: time, statusCode: { type: ['integer', 'null'] }, latencyMs: int, responseBody: nullableStr, error: nullableStr }) },
      }),
    },
  }),
  Replayed: obj({ replayed: { type: 'array', items: str } }),
  TestDelivery: obj({ deliveryId: str, eventId: str, eventType: str }),
  EventTypeList: obj({ data: { type: 'array', items: obj({ type: str, description: str, example: { type: 'object' } }) } }),
  Subscription: obj({
    id: str, chain: str, kind: { type: 'string', enum: ['wallet', 'owner', 'nft', 'contract', 'chain'] }, address: str, direction: str, contractAddress: str, tokenId: str,
    confirmations: int, fromBlock: { type: ['integer', 'null'] }, backfilling: { type: 'boolean' }, status: { type: 'string', enum: ['active', 'paused'] }, createdAt: time, updatedAt: time,
  }, ['id', 'chain', 'kind', 'confirmations', 'fromBlock', 'backfilling', 'status', 'createdAt', 'updatedAt']),
  SubscriptionList: list('Subscription'),
  Function: fn,
  FunctionWithSecret: { allOf: [ref('Function'), obj({ secret: str })] },
  FunctionList: list('Function'),
  FunctionsResult: obj({ result: {}, functions: { type: 'array', items: functionOutcome } }),
  AppEvent: obj({
    id: str, type: str, timestamp: int,
    nft: obj({ id: str, collectionId: str, chain: str, contractAddress: nullableStr, tokenId: nullableStr }),
    actor: nullableStr, data: { type: 'object' },
  }),
  AppEventList: list('AppEvent'),
  Project: obj({ projectId: str, name: str, apiKey: str, note: str }),
  ProjectList: obj({
    data: { type: 'array', items: obj({ projectId: str, name: str, signer: obj({ url: str, address: str }), createdAt: time, actions: int, lastActionAt: nullableTime }) },
  }),
  SuccessRate: obj({ since: time, data: { type: 'array', items: obj({ hour: time, succeeded: int, failed: int, rate: { type: 'number' } }) } }),
  Metadata: { type: 'object', description: 'OpenSea metadata standard' },
  Health: obj({ status: str }),
  Readiness: obj({ status: { type: 'string', enum: ['ready', 'not_ready', 'stopping'] }, checks: { type: 'object' } }),
};

import { z } from 'zod';
import { createProjectBody } from '../routes/admin';
import { metadataTokenId, metadataVersion } from '../routes/metadata';
import { createEndpointBody, deliveriesQuery, deliveryIdParam, replayBody, successRateQuery, testEventBody, updateEndpointBody } from '../routes/webhooks';
import {
  batchMintBody, createAppEventBody, createCollectionBody, createFunctionBody, createSubscriptionBody, createTokenTypeBody, idParam,
  actionsPerMinuteQuery, listActionsQuery, listAppEventsQuery, listBatchItemsQuery, listQuery, mintBody, updateFunctionBody, updateNftBody, updateSubscriptionBody,
} from '../schemas';

type Method = 'get' | 'post' | 'patch' | 'delete';

/** One route of the app as the OpenAPI description shows it; `path` is written as Express has it. */
export interface Operation {
  method: Method;
  path: string;
  tag: string;
  summary: string;
  /** x-api-key (the project's), the operator's bearer ADMIN_TOKEN, or none. */
  auth: 'apiKey' | 'admin' | 'none';
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: z.ZodType;
  idempotencyKey?: boolean;
  /** Answers by status: a description and the name of a schema in RESPONSE_SCHEMAS (none: no body). */
  responses: Record<number, [string, string?]>;
  /** Statuses answered with application/problem+json besides 400 and, behind a key, 401. */
  problems?: number[];
  /** What a problem status means on this route, where that differs from what it means elsewhere. */
  problemMeanings?: Record<number, string>;
}

const uuid = (...names: string[]) => Object.fromEntries(names.map((n) => [n, idParam]));
const op = (method: Method, path: string, tag: string, summary: string, rest: Omit<Operation, 'method' | 'path' | 'tag' | 'summary' | 'auth'> & { auth?: Operation['auth'] }): Operation =>
  ({ method, path, tag, summary, auth: 'apiKey', ...rest });

const accepted = { 202: ['Accepted: the action is stored and its workflow started', 'Action'] } as Record<number, [string, string?]>;
const collectionNfts = '/v1/collections/:collectionId/nfts';

export const OPERATIONS: Operation[] = [
  op('get', '/healthz', 'operations', 'Liveness', { auth: 'none', responses: { 200: ['Alive', 'Health'] } }),
  op('get', '/readyz', 'operations', 'Readiness: the database and Temporal answer', { auth: 'none', responses: { 200: ['Ready', 'Readiness'], 503: ['Not ready', 'Readiness'] } }),
  op('get', '/metrics', 'operations', 'Prometheus metrics (text exposition format)', { auth: 'none', responses: { 200: ['Metrics', 'text'] } }),
  op('get', '/openapi.json', 'operations', 'This OpenAPI description', { auth: 'none', responses: { 200: ['OpenAPI 3.1 document', 'object'] } }),

  op('get', '/v1/metadata/collections/:id', 'metadata', "A collection's contract-level metadata", { auth: 'none', params: uuid('id'), responses: { 200: ['Metadata', 'Metadata'] }, problems: [404] }),
  op('get', '/v1/metadata/collections/:id/tokens/:tokenId', 'metadata', "A token's current metadata (version 2 contracts' token URI)", {
    auth: 'none', params: { id: idParam, tokenId: metadataTokenId }, responses: { 200: ['Metadata', 'Metadata'] }, problems: [404],
  }),
  op('get', '/v1/metadata/token-types/:id', 'metadata', "An ERC-1155 token type's metadata", { auth: 'none', params: uuid('id'), responses: { 200: ['Metadata', 'Metadata'] }, problems: [404] }),
  op('get', '/v1/metadata/nfts/:id/:version', 'metadata', "One version of an NFT's metadata (immutable)", {
    auth: 'none', params: { id: idParam, version: metadataVersion }, responses: { 200: ['Metadata', 'Metadata'] }, problems: [404],
  }),
  op('get', '/v1/metadata/nfts/:id', 'metadata', "An NFT's current metadata", { auth: 'none', params: uuid('id'), responses: { 200: ['Metadata', 'Metadata'] }, problems: [404] }),

  op('post', '/v1/admin/projects', 'admin', 'Create a project and its API key (shown once)', {
    auth: 'admin', body: createProjectBody, responses: { 201: ['Created', 'Project'] }, problems: [404],
    problemMeanings: { 404: 'The admin API is disabled (`admin_api_disabled`): the API runs without ADMIN_TOKEN' },
  }),

  op('get', '/v1/admin/projects', 'admin', 'Every project, with how many actions it has (no keys)', {
    auth: 'admin', responses: { 200: ['Projects', 'ProjectList'] }, problems: [404],
    problemMeanings: { 404: 'The admin API is disabled (`admin_api_disabled`): the API runs without ADMIN_TOKEN' },
  }),

  op('post', '/v1/collections', 'collections', 'Deploy a collection contract (action collections.create)', { body: createCollectionBody, idempotencyKey: true, responses: accepted, problems: [422] }),
  op('get', '/v1/collections', 'collections', "The project's collections", { responses: { 200: ['Collections', 'CollectionList'] } }),
  op('get', '/v1/collections/:collectionId', 'collections', 'A collection', { params: uuid('collectionId'), responses: { 200: ['Collection', 'Collection'] }, problems: [404] }),
  op('post', '/v1/collections/:collectionId/token-types', 'collections', 'Create an ERC-1155 token type (action tokenTypes.create)', {
    params: uuid('collectionId'), body: createTokenTypeBody, idempotencyKey: true, responses: accepted, problems: [404, 409, 422],
  }),
  op('get', '/v1/collections/:collectionId/token-types', 'collections', "A collection's token types", {
    params: uuid('collectionId'), responses: { 200: ['Token types', 'TokenTypeList'] }, problems: [404],
  }),
  op('get', '/v1/collections/:collectionId/token-types/:tokenTypeId', 'collections', 'A token type', {
    params: uuid('collectionId', 'tokenTypeId'), responses: { 200: ['Token type', 'TokenType'] }, problems: [404],
  }),
  op('post', collectionNfts, 'nfts', 'Mint an NFT (action nfts.create)', { params: uuid('collectionId'), body: mintBody, idempotencyKey: true, responses: accepted, problems: [404, 409, 422] }),
  op('post', `${collectionNfts}/batch`, 'nfts', 'Mint to up to 10,000 recipients (action nfts.createBatch)', {
    params: uuid('collectionId'), body: batchMintBody, idempotencyKey: true, responses: accepted, problems: [404, 409, 413, 422],
  }),
  op('get', collectionNfts, 'nfts', "A collection's NFTs with their current metadata, newest first", {
    params: uuid('collectionId'), query: listQuery, responses: { 200: ['NFTs', 'NftList'] }, problems: [404],
  }),
  op('get', `${collectionNfts}/:nftId`, 'nfts', 'An NFT', { params: uuid('collectionId', 'nftId'), responses: { 200: ['NFT', 'Nft'] }, problems: [404] }),
  op('patch', `${collectionNfts}/:nftId`, 'nfts', "Update an NFT's metadata (action nfts.update)", {
    params: uuid('collectionId', 'nftId'), body: updateNftBody, idempotencyKey: true, responses: accepted, problems: [404, 409, 422],
  }),

  op('get', '/v1/actions', 'actions', "The project's actions, newest first", { query: listActionsQuery, responses: { 200: ['Actions', 'ActionList'] } }),
  op('get', '/v1/actions/per-minute', 'actions', 'How many actions started in each minute, by status', {
    query: actionsPerMinuteQuery, responses: { 200: ['Counts (minutes without actions left out)', 'ActionsPerMinute'] },
  }),
  op('get', '/v1/actions/:actionId/stages', 'actions', "The action's timeline: when it entered each stage", {
    params: uuid('actionId'), responses: { 200: ['Stages', 'ActionStages'] }, problems: [404],
  }),
  op('get', '/v1/actions/:actionId/items', 'actions', "A batch mint's per-recipient results", {
    params: uuid('actionId'), query: listBatchItemsQuery, responses: { 200: ['Items', 'BatchItemList'] }, problems: [404],
  }),
  op('post', '/v1/actions/:actionId/cancel', 'actions', 'Cancel a pending action', { params: uuid('actionId'), responses: { 202: ['Cancel requested', 'Action'] }, problems: [404, 409] }),
  op('get', '/v1/actions/:actionId', 'actions', 'An action', { params: uuid('actionId'), responses: { 200: ['Action', 'Action'] }, problems: [404] }),
  op('get', '/api/2022-06-09/actions/:actionId', 'actions', "An action in Crossmint's action status shape", {
    params: uuid('actionId'), responses: { 200: ['Action status', 'CrossmintActionStatus'] }, problems: [404],
  }),

  op('get', '/v1/webhooks/event-types', 'webhooks', 'The event catalogue, with examples', { responses: { 200: ['Event types', 'EventTypeList'] } }),
  op('get', '/v1/webhooks/deliveries', 'webhooks', 'Deliveries with every attempt', { query: deliveriesQuery, responses: { 200: ['Deliveries', 'DeliveryList'] } }),
  op('post', '/v1/webhooks/deliveries/:deliveryId/replay', 'webhooks', 'Send a finished delivery again', {
    params: { deliveryId: deliveryIdParam }, responses: { 202: ['Replayed', 'Replayed'] }, problems: [404, 409],
  }),
  op('post', '/v1/webhooks', 'webhooks', 'Register an endpoint (its signing secret is shown once)', { body: createEndpointBody, responses: { 201: ['Created', 'EndpointWithSecret'] } }),
  op('get', '/v1/webhooks', 'webhooks', "The project's endpoints", { responses: { 200: ['Endpoints', 'EndpointList'] } }),
  op('get', '/v1/webhooks/:endpointId/success-rate', 'webhooks', "The share of an endpoint's finished deliveries that succeeded, per hour", {
    params: uuid('endpointId'), query: successRateQuery, responses: { 200: ['Hours with deliveries (others left out)', 'SuccessRate'] }, problems: [404],
  }),
  op('get', '/v1/webhooks/:endpointId', 'webhooks', 'An endpoint', { params: uuid('endpointId'), responses: { 200: ['Endpoint', 'Endpoint'] }, problems: [404] }),
  op('patch', '/v1/webhooks/:endpointId', 'webhooks', 'Change an endpoint', { params: uuid('endpointId'), body: updateEndpointBody, responses: { 200: ['Endpoint', 'Endpoint'] }, problems: [404] }),
  op('post', '/v1/webhooks/:endpointId/rotate-secret', 'webhooks', "Rotate an endpoint's signing secret (the new one shown once)", {
    params: uuid('endpointId'), responses: { 200: ['Endpoint', 'EndpointWithSecret'] }, problems: [404],
  }),
  op('post', '/v1/webhooks/:endpointId/test', 'webhooks', "Send an event type's example", { params: uuid('endpointId'), body: testEventBody, responses: { 202: ['Queued', 'TestDelivery'] }, problems: [404] }),
  op('post', '/v1/webhooks/:endpointId/replay', 'webhooks', 'Send again every failed or skipped delivery since a time', {
    params: uuid('endpointId'), body: replayBody, responses: { 202: ['Replayed', 'Replayed'] }, problems: [404],
  }),
  op('delete', '/v1/webhooks/:endpointId', 'webhooks', 'Delete an endpoint (its delivery history is kept)', { params: uuid('endpointId'), responses: { 204: ['Deleted'] }, problems: [404] }),
  op('post', '/v1/webhooks/:endpointId/pause', 'webhooks', 'Pause an endpoint', { params: uuid('endpointId'), responses: { 200: ['Endpoint', 'Endpoint'] }, problems: [404] }),
  op('post', '/v1/webhooks/:endpointId/resume', 'webhooks', 'Resume an endpoint', { params: uuid('endpointId'), responses: { 200: ['Endpoint', 'Endpoint'] }, problems: [404] }),

  op('post', '/v1/subscriptions', 'subscriptions', 'Subscribe to chain events (with `fromBlock`, past blocks first)', {
    body: createSubscriptionBody, responses: { 201: ['Created', 'Subscription'] }, problems: [503],
    problemMeanings: { 503: 'The chain cannot be asked for its head, against which `fromBlock` is checked (`chain_unreachable`)' },
  }),
  op('get', '/v1/subscriptions', 'subscriptions', "The project's subscriptions", { query: listQuery, responses: { 200: ['Subscriptions', 'SubscriptionList'] } }),
  op('get', '/v1/subscriptions/:id', 'subscriptions', 'A subscription', { params: uuid('id'), responses: { 200: ['Subscription', 'Subscription'] }, problems: [404] }),
  op('patch', '/v1/subscriptions/:id', 'subscriptions', 'Pause or resume a subscription', {
    params: uuid('id'), body: updateSubscriptionBody, responses: { 200: ['Subscription', 'Subscription'] }, problems: [404],
  }),
  op('delete', '/v1/subscriptions/:id', 'subscriptions', 'Delete a subscription', { params: uuid('id'), responses: { 204: ['Deleted'] }, problems: [404] }),

  op('post', '/v1/functions', 'functions', 'Add a function called before or after a write route (its signing secret is shown once)', {
    body: createFunctionBody, responses: { 201: ['Created', 'FunctionWithSecret'] },
  }),
  op('get', '/v1/functions', 'functions', "The project's functions", { query: listQuery, responses: { 200: ['Functions', 'FunctionList'] } }),
  op('get', '/v1/functions/:functionId', 'functions', 'A function', { params: uuid('functionId'), responses: { 200: ['Function', 'Function'] }, problems: [404] }),
  op('patch', '/v1/functions/:functionId', 'functions', 'Change a function', { params: uuid('functionId'), body: updateFunctionBody, responses: { 200: ['Function', 'Function'] }, problems: [404] }),
  op('delete', '/v1/functions/:functionId', 'functions', 'Delete a function', { params: uuid('functionId'), responses: { 204: ['Deleted'] }, problems: [404] }),

  op('post', '/v1/events', 'events', 'Record an application event about an NFT of the project (delivered to endpoints naming its type)', {
    body: createAppEventBody, idempotencyKey: true, responses: { 201: ['Recorded (or the recorded event, for a repeated Idempotency-Key)', 'AppEvent'] }, problems: [404, 409, 422],
  }),
  op('get', '/v1/events', 'events', "The project's application events, newest first", { query: listAppEventsQuery, responses: { 200: ['Events', 'AppEventList'] } }),
];

/**
 * Whether functions run around an operation: a route of a project's API key that creates or changes data,
 * but not the functions' own routes (a failing function would lock a project out of fixing it).
 */
export const takesFunctions = (o: Operation) => o.auth === 'apiKey' && o.method !== 'get' && o.tag !== 'functions';

/** The write routes, as functions name them ("POST /v1/collections/:collectionId/nfts"). */
export const WRITE_ROUTES = OPERATIONS.filter(takesFunctions).map((o) => `${o.method.toUpperCase()} ${o.path}`);

import { getAddress, ZeroAddress } from 'ethers';
import { z } from 'zod';
import { ACTION_STAGES, ACTION_TYPES } from '../domain';
import { APP_EVENT_TYPE_NAMES } from '../webhooks/app-event-types';

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Why a string is not an address: a wrong EIP-55 checksum is told apart from a string of the wrong shape. */
const addressError = (value: unknown) =>
  (typeof value === 'string' && HEX_ADDRESS.test(value)
    ? 'has a wrong EIP-55 checksum (its mix of upper and lower case does not match its digits): check it for a typo'
    : 'must be a 0x-prefixed 20-byte hex address');

/**
 * Checksummed as it is checked: one EIP-55 keccak per address (about 17 µs), not a check and then a
 * conversion that hash it twice, which was a third of a 10,000-item batch mint's request.
 */
export const address = z
  .string()
  .transform((v, ctx) => {
    let checksummed: string;
    try {
      checksummed = getAddress(v);
    } catch {
      ctx.issues.push({ code: 'custom', message: addressError(v), input: v });
      return z.NEVER;
    }
    if (checksummed === ZeroAddress) {
      ctx.issues.push({ code: 'custom', message: 'must not be the zero address', input: v });
      return z.NEVER;
    }
    return checksummed;
  });

/** A uint256 given as a JSON number or a decimal string; kept as a decimal string. */
const uint = z
  .union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,77}$/, 'must be a non-negative integer')])
  .transform((v) => BigInt(v).toString());
const positiveUint = uint.refine((v) => v !== '0', 'must be at least 1');

const attribute = z.object({
  trait_type: z.string().max(200).optional(),
  value: z.union([z.string().max(2000), z.number(), z.boolean()]),
  display_type: z.string().max(50).optional(),
});

/**
 * Metadata keeps extra properties as given, and is hashed, stored and served as JSON: code handling JSON
 * recurses (JSON.stringify overflows the stack near 4,500 levels), so nesting is bounded far below that and
 * counted without recursion. Real metadata nests a few levels.
 */
export const MAX_METADATA_DEPTH = 32;
/** What a whole request may be under the default BODY_LIMIT: a batch item carries no more than a single mint. */
export const MAX_METADATA_BYTES = 100 * 1024;

/** Whether arrays and objects nest more than `limit` levels deep in `value`, walked a level at a time. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  let level = [value];
  for (let depth = 0; ; depth++) {
    level = level.filter((v) => typeof v === 'object' && v !== null);
    if (level.length === 0) return false;
    if (depth === limit) return true;
    level = level.flatMap((v) => Object.values(v as object));
  }
}

/** A refinement bounding a JSON object's nesting and its size as JSON. */
const boundedJson = (maxBytes: number) => (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
  const tooDeep = Object.keys(value).filter((key) => nestsDeeperThan(value[key], MAX_METADATA_DEPTH));
  for (const key of tooDeep) {
    ctx.addIssue({ code: 'custom', path: [key], message: `nests arrays and objects more than ${MAX_METADATA_DEPTH} levels deep` });
  }
  // Stringified only once known shallow enough not to overflow the stack.
  if (tooDeep.length === 0 && Buffer.byteLength(JSON.stringify(value)) > maxBytes) {
    ctx.addIssue({ code: 'custom', message: `at most ${maxBytes} bytes as JSON` });
  }
};
const boundedMetadata = boundedJson(MAX_METADATA_BYTES);

/** OpenSea metadata standard; extra properties are kept as given. */
export const nftMetadata = z.looseObject({
  name: z.string().min(1).max(200),
  description: z.string().max(10_000).optional(),
  image: z.url().optional(),
  external_url: z.url().optional(),
  animation_url: z.url().optional(),
  background_color: z.string().regex(/^[0-9a-fA-F]{6}$/, 'six hex digits without #').optional(),
  attributes: z.array(attribute).max(200).optional(),
}).superRefine(boundedMetadata);

export const createCollectionBody = z.strictObject({
  chain: z.string().min(1),
  standard: z.enum(['erc721', 'erc1155']).default('erc721'),
  name: z.string().min(1).max(100),
  symbol: z.string().regex(/^[A-Za-z0-9]{1,11}$/, '1 to 11 letters or digits'),
  metadata: z.looseObject({
    description: z.string().max(10_000).optional(),
    image: z.url().optional(),
    external_link: z.url().optional(),
  }).superRefine(boundedMetadata).default({}),
  maxSupply: uint.default('0'),
});

export const createTokenTypeBody = z.strictObject({
  metadata: nftMetadata,
  maxSupply: uint.default('0'),
  fungible: z.boolean().default(false),
});

/**
 * A mint names its ERC-1155 token type by the engine's id (a UUID), never by the contract's type id
 * (`onChainTypeId`, a small integer), which results also show: given that, the answer says which id to send.
 */
const tokenTypeRef = z.uuid({
  error: (issue) => (/^\d+$/.test(String(issue.input))
    ? "must be the token type's id, a UUID (`id` of the token type, `resource.id` of its tokenTypes.create action), not its on-chain type id (`onChainTypeId`)"
    : "must be the token type's id, a UUID"),
}).meta({ description: "The token type's id (a UUID), not its on-chain type id" });

export const mintBody = z.strictObject({
  recipient: address,
  metadata: nftMetadata.optional(),
  tokenTypeId: tokenTypeRef.optional(),
  amount: positiveUint.default('1'),
});

export const updateNftBody = z.strictObject({ metadata: nftMetadata });

export const MAX_BATCH_ITEMS = 10_000;

export const batchMintBody = z.strictObject({
  tokenTypeId: tokenTypeRef.optional(),
  items: z.array(z.strictObject({
    recipient: address,
    metadata: nftMetadata.optional(),
    amount: positiveUint.default('1'),
  })).min(1).max(MAX_BATCH_ITEMS),
});

export const listBatchItemsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(200).optional(),
});

export const listActionsQuery = z.strictObject({
  type: z.enum(ACTION_TYPES).optional(),
  status: z.enum(['pending', 'succeeded', 'failed', 'cancelled']).optional(),
  stage: z.enum(ACTION_STAGES).optional(),
  collectionId: z.uuid().optional(),
  since: z.iso.datetime({ offset: true }).optional().meta({ description: 'Only actions started at or after this time' }),
  until: z.iso.datetime({ offset: true }).optional().meta({ description: 'Only actions started before this time' }),
  q: z.string().min(1).max(255).optional().meta({ description: 'An action id, a transaction hash sent for the action, or its Idempotency-Key (exact)' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/** The chart of actions per minute covers at most a day. */
export const actionsPerMinuteQuery = z.strictObject({
  minutes: z.coerce.number().int().min(1).max(1440).default(60),
});

export const idParam = z.uuid();

export const idempotencyKey = z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** Deliver at once (0: re-sent with removed: true if a reorg takes it back) or once this many blocks deep; the chain's own by default. */
const confirmations = z.number().int().min(0).max(64).optional();

/** Back-fill from this past block (bounded by the route against the chain's head); live only by default. */
const fromBlock = z.number().int().min(0).optional();

export const createSubscriptionBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('wallet'), chain: z.string().min(1), address, direction: z.enum(['inbound', 'outbound', 'both']).default('both'), confirmations, fromBlock }),
  z.strictObject({ kind: z.literal('owner'), chain: z.string().min(1), address, confirmations, fromBlock }),
  z.strictObject({ kind: z.literal('nft'), chain: z.string().min(1), contractAddress: address, tokenId: uint, confirmations, fromBlock }),
  z.strictObject({ kind: z.literal('contract'), chain: z.string().min(1), contractAddress: address, confirmations, fromBlock }),
  z.strictObject({ kind: z.literal('chain'), chain: z.string().min(1), confirmations, fromBlock }),
], { error: (issue) => (issue.code === 'invalid_union' ? 'kind must be wallet, owner, nft, contract or chain' : undefined) });

export const updateSubscriptionBody = z.strictObject({ status: z.enum(['active', 'paused']) });

export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/** A function's time limit: the call it runs around waits for it. */
const MAX_FUNCTION_TIMEOUT_MS = 10_000;

const functionRoute = z.string().regex(/^(\*|(POST|PATCH|PUT|DELETE) \/\S{1,300})$/, 'a write route of this API as "METHOD /path", or "*"')
  .meta({ description: 'A route of the API that creates or changes data, e.g. "POST /v1/collections/:id/nfts", or "*" for all of them' });
const functionTimeout = z.number().int().min(100).max(MAX_FUNCTION_TIMEOUT_MS);
/** Among the functions of one call and phase, lower runs first; equal ones in the order they were created. */
const functionOrder = z.number().int().min(0).max(1000);

export const createFunctionBody = z.strictObject({
  route: functionRoute,
  phase: z.enum(['pre', 'post']),
  url: z.url({ protocol: /^https?$/ }),
  timeoutMs: functionTimeout.default(3000),
  enabled: z.boolean().default(true),
  order: functionOrder.default(0),
});

export const updateFunctionBody = z.strictObject({
  route: functionRoute.optional(),
  phase: z.enum(['pre', 'post']).optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
  timeoutMs: functionTimeout.optional(),
  enabled: z.boolean().optional(),
  order: functionOrder.optional(),
});

/** An application event's own data: delivered as given, so bounded like metadata but smaller. */
const MAX_APP_EVENT_DATA_BYTES = 16 * 1024;

export const createAppEventBody = z.strictObject({
  type: z.enum(APP_EVENT_TYPE_NAMES),
  nftId: z.uuid().optional(),
  chain: z.string().min(1).optional(),
  contractAddress: address.optional(),
  tokenId: uint.optional(),
  actor: address.optional(),
  data: z.record(z.string(), z.unknown()).superRefine(boundedJson(MAX_APP_EVENT_DATA_BYTES)).default({}),
}).superRefine((body, ctx) => {
  const byToken = [body.chain, body.contractAddress, body.tokenId].filter((v) => v !== undefined).length;
  if (body.nftId !== undefined && byToken > 0) ctx.addIssue({ code: 'custom', path: ['nftId'], message: 'give nftId or chain, contractAddress and tokenId, not both' });
  if (body.nftId === undefined && byToken < 3) {
    for (const field of ['chain', 'contractAddress', 'tokenId'] as const) {
      if (body[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'required when nftId is not given' });
    }
  }
});

export const listAppEventsQuery = z.strictObject({
  type: z.enum(APP_EVENT_TYPE_NAMES).optional(),
  nftId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

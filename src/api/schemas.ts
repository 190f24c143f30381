import { getAddress, isAddress } from 'ethers';
import { z } from 'zod';
import { ACTION_TYPES } from '../domain';

export const address = z
  .string()
  .refine((v) => isAddress(v), 'must be a 0x-prefixed 20-byte hex address')
  .transform((v) => getAddress(v))
  .refine((v) => v !== '0x0000000000000000000000000000000000000000', 'must not be the zero address');

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

/** OpenSea metadata standard; extra properties are kept as given. */
export const nftMetadata = z.looseObject({
  name: z.string().min(1).max(200),
  description: z.string().max(10_000).optional(),
  image: z.url().optional(),
  external_url: z.url().optional(),
  animation_url: z.url().optional(),
  background_color: z.string().regex(/^[0-9a-fA-F]{6}$/, 'six hex digits without #').optional(),
  attributes: z.array(attribute).max(200).optional(),
});

export const createCollectionBody = z.strictObject({
  chain: z.string().min(1),
  standard: z.enum(['erc721', 'erc1155']).default('erc721'),
  name: z.string().min(1).max(100),
  symbol: z.string().regex(/^[A-Za-z0-9]{1,11}$/, '1 to 11 letters or digits'),
  metadata: z.looseObject({
    description: z.string().max(10_000).optional(),
    image: z.url().optional(),
    external_link: z.url().optional(),
  }).default({}),
  maxSupply: uint.default('0'),
});

export const createTokenTypeBody = z.strictObject({
  metadata: nftMetadata,
  maxSupply: uint,
  fungible: z.boolean().default(false),
});

export const mintBody = z.strictObject({
  recipient: address,
  metadata: nftMetadata.optional(),
  tokenTypeId: z.uuid().optional(),
  amount: positiveUint.default('1'),
});

export const updateNftBody = z.strictObject({ metadata: nftMetadata });

export const MAX_BATCH_ITEMS = 10_000;

export const batchMintBody = z.strictObject({
  tokenTypeId: z.uuid().optional(),
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
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
  collectionId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export const idParam = z.uuid();

export const idempotencyKey = z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

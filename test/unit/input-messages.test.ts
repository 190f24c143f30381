import { parseInput, Problem } from '../../src/api/problem';
import { createSubscriptionBody, createTokenTypeBody, mintBody } from '../../src/api/schemas';

const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const TOKEN_TYPE = '8a6b2c1e-3f4d-4e5f-9a0b-1c2d3e4f5a6b';

/** The field errors of input refused by a schema, as the API answers them. */
function refusal(schema: Parameters<typeof parseInput>[0], body: unknown) {
  try {
    parseInput(schema, body);
  } catch (err) {
    expect(err).toBeInstanceOf(Problem);
    expect((err as Problem).status).toBe(400);
    return (err as Problem).extra.errors as { field: string; message: string }[];
  }
  throw new Error('expected the input to be refused');
}

describe('bad input is told plainly, naming the field', () => {
  test('an address with a wrong checksum is named as such, not as "not an address"', () => {
    const wrongCase = ALICE.replace('C51812dc', 'c51812dc');
    expect(refusal(mintBody, { recipient: wrongCase })).toEqual([{ field: 'body.recipient', message: expect.stringMatching(/^has a wrong EIP-55 checksum/) }]);
    expect(refusal(mintBody, { recipient: '0x1234' })).toEqual([{ field: 'body.recipient', message: 'must be a 0x-prefixed 20-byte hex address' }]);
    // All lower case carries no checksum; the answer is the checksummed address.
    expect(parseInput(mintBody, { recipient: ALICE.toLowerCase() }).recipient).toBe(ALICE);
  });

  test.each(['1', 1])('a mint naming its token type by the on-chain id %p is told which id to send', (tokenTypeId) => {
    const [error] = refusal(mintBody, { recipient: ALICE, tokenTypeId });
    expect(error.field).toBe('body.tokenTypeId');
    expect(error.message).toMatch(/must be the token type's id, a UUID .*not its on-chain type id \(`onChainTypeId`\)/);
    expect(refusal(mintBody, { recipient: ALICE, tokenTypeId: 'gold' })).toEqual([{ field: 'body.tokenTypeId', message: "must be the token type's id, a UUID" }]);
    expect(parseInput(mintBody, { recipient: ALICE, tokenTypeId: TOKEN_TYPE }).tokenTypeId).toBe(TOKEN_TYPE);
  });

  test('a token type without maxSupply has none (0), like a collection', () => {
    expect(parseInput(createTokenTypeBody, { metadata: { name: 'Gold' } })).toMatchObject({ maxSupply: '0', fungible: false });
  });

  test('a field left out is "required"; a message the schema sets stays', () => {
    expect(refusal(createTokenTypeBody, {})).toEqual([{ field: 'body.metadata', message: 'required' }]);
    expect(refusal(mintBody, { metadata: { name: 'x' } })).toEqual([{ field: 'body.recipient', message: 'required' }]);
    expect(refusal(createSubscriptionBody, { chain: 'anvil' })).toEqual([{ field: 'body.kind', message: 'kind must be wallet, owner, nft, contract or chain' }]);
  });
});

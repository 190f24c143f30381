import { actionEventData } from '../../src/webhooks/action-event';
import { presentAction, presentTokenType } from '../../src/api/present';
import { apiUrls } from '../../src/api/urls';
import type { ActionRow, TokenTypeRow } from '../../src/domain';

const TYPE_ID = '9b1e4c2a-1f0d-4e5f-9a0b-1c2d3e4f5a6b';
const COLLECTION_ID = '0f6a2c1e-3f4d-4e5f-9a0b-1c2d3e4f5a6b';
const created = new Date('2026-01-01T12:00:00Z');

const tokenTypeAction = {
  id: 'c1d2e3f4-3f4d-4e5f-9a0b-1c2d3e4f5a6b', project_id: 'p', type: 'tokenTypes.create', status: 'succeeded', stage: 'completed',
  chain: 'anvil', chain_id: 31337, collection_id: COLLECTION_ID, resource_id: TYPE_ID, idempotency_key: null, request_hash: 'h',
  payload: { type: 'tokenTypes.create', tokenTypeId: TYPE_ID, metadata: { name: 'Gold' }, maxSupply: '1000', fungible: true },
  tx_hash: '0xabc', nonce: 3, cancel_requested_at: null, prepared_transaction: null, result: { tokenTypeId: '1' }, error: null,
  started_at: created, completed_at: created, updated_at: created,
} satisfies ActionRow;

describe("a token type's two ids are named apart", () => {
  test('the action result names the on-chain id onChainTypeId beside the engine id, keeping tokenTypeId for old clients', () => {
    const { resource } = presentAction(tokenTypeAction, apiUrls('http://api'));
    expect(resource).toMatchObject({ id: TYPE_ID, onChainTypeId: '1', tokenTypeId: '1' });
    const pending = presentAction({ ...tokenTypeAction, status: 'pending', stage: 'submitted', result: null }, apiUrls('http://api'));
    expect(pending.resource).not.toHaveProperty('onChainTypeId');
  });

  test('so do the token type and its event', () => {
    const row: TokenTypeRow = {
      id: TYPE_ID, project_id: 'p', collection_id: COLLECTION_ID, metadata: { name: 'Gold' }, max_supply: '1000', reserved_supply: '0',
      fungible: true, token_type_id: '1', status: 'created', action_id: tokenTypeAction.id, created_at: created,
    };
    expect(presentTokenType(row, { transactionHash: '0xabc', errorMessage: null })).toMatchObject({ id: TYPE_ID, onChainTypeId: '1', tokenTypeId: '1' });
    expect(actionEventData(tokenTypeAction, '0x5FbDB2315678afecb367f032d93F642f64180aa3').tokenType)
      .toEqual({ id: TYPE_ID, onChainTypeId: '1', tokenTypeId: '1', maxSupply: '1000', fungible: true });
  });
});

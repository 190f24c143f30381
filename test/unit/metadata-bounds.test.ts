import { MAX_METADATA_BYTES, MAX_METADATA_DEPTH, mintBody } from '../../src/api/schemas';
import { ALICE } from '../support/accounts';

describe('metadata bounds', () => {
  const nestedArrays = (depth: number) => {
    let value: unknown = 'leaf';
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };
  const mint = (extra: Record<string, unknown>) => mintBody.safeParse({ recipient: ALICE, metadata: { name: 'x', ...extra } });

  test(`a metadata property nests up to ${MAX_METADATA_DEPTH} levels of arrays and objects, not more`, () => {
    expect(mint({ x: nestedArrays(MAX_METADATA_DEPTH) }).success).toBe(true);
    const deeper = mint({ ok: 1, x: { y: nestedArrays(MAX_METADATA_DEPTH) } });
    expect(deeper.error?.issues).toEqual([expect.objectContaining({ path: ['metadata', 'x'] })]);
  });

  test(`metadata takes up to ${MAX_METADATA_BYTES} bytes as JSON`, () => {
    const padding = (bytes: number) => 'x'.repeat(bytes - JSON.stringify({ name: 'x', x: '' }).length);
    expect(mint({ x: padding(MAX_METADATA_BYTES) }).success).toBe(true);
    expect(mint({ x: padding(MAX_METADATA_BYTES + 1) }).error?.issues).toEqual([expect.objectContaining({ path: ['metadata'] })]);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS_DIR, compileContracts } from '../../src/contracts/compile';

describe('compiled contract artifacts', () => {
  test('the committed artifacts match the Solidity sources (run `npm run contracts` after changing them)', () => {
    for (const artifact of compileContracts()) {
      const committed = JSON.parse(readFileSync(path.join(ARTIFACTS_DIR, `${artifact.contractName}.json`), 'utf8'));
      expect(committed).toEqual(artifact);
    }
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileContracts, CONTRACT_VERSION_DIRS } from '../../src/contracts/compile';

describe('compiled contract artifacts', () => {
  test.each(Object.entries(CONTRACT_VERSION_DIRS))(
    'version %s: the committed artifacts match the Solidity sources (run `npm run contracts` after changing the current ones)',
    (_version, dirs) => {
      for (const artifact of compileContracts(dirs.contracts)) {
        const committed = JSON.parse(readFileSync(path.join(dirs.artifacts, `${artifact.contractName}.json`), 'utf8'));
        expect(committed).toEqual(artifact);
      }
    },
  );
});

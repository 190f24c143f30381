import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compileContracts, CURRENT_VERSION_DIRS } from '../src/contracts/compile';

// Only the current contract version: earlier versions are deployed and their artifacts stay frozen.
const { contracts, artifacts } = CURRENT_VERSION_DIRS;
mkdirSync(artifacts, { recursive: true });
for (const artifact of compileContracts(contracts)) {
  const file = path.join(artifacts, `${artifact.contractName}.json`);
  writeFileSync(file, `${JSON.stringify(artifact, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)} (${(artifact.bytecode.length - 2) / 2} bytes of init code)`);
}

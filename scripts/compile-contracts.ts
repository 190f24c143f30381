import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS_DIR, compileContracts } from '../src/contracts/compile';

mkdirSync(ARTIFACTS_DIR, { recursive: true });
for (const artifact of compileContracts()) {
  const file = path.join(ARTIFACTS_DIR, `${artifact.contractName}.json`);
  writeFileSync(file, `${JSON.stringify(artifact, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)} (${(artifact.bytecode.length - 2) / 2} bytes of init code)`);
}

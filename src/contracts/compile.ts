import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import solc from 'solc';

export interface ContractArtifact {
  contractName: string;
  compiler: string;
  abi: unknown[];
  bytecode: string;
}

const ROOT = path.resolve(__dirname, '../..');

/**
 * Where each contract version's sources and artifacts live. Deployed collections keep the version they
 * were deployed with, so every earlier version stays as it was (frozen); only the current one changes.
 */
export const CONTRACT_VERSION_DIRS = {
  1: { contracts: path.join(ROOT, 'contracts/v1'), artifacts: path.join(ROOT, 'artifacts/v1') },
  2: { contracts: path.join(ROOT, 'contracts'), artifacts: path.join(ROOT, 'artifacts') },
} as const;
export const CURRENT_VERSION_DIRS = CONTRACT_VERSION_DIRS[2];

function resolveImport(importPath: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(require.resolve(importPath), 'utf8') };
  } catch {
    return { error: `import not found: ${importPath}` };
  }
}

/**
 * Compiles every contract in a directory with solc-js (deterministic: same sources, same output). Sources
 * are named by file name alone, so a version's bytecode does not depend on the directory it sits in.
 */
export function compileContracts(contractsDir: string): ContractArtifact[] {
  const sources: Record<string, { content: string }> = {};
  for (const file of readdirSync(contractsDir).filter((f) => f.endsWith('.sol'))) {
    sources[file] = { content: readFileSync(path.join(contractsDir, file), 'utf8') };
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: resolveImport }));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === 'error');
  if (errors.length > 0) {
    throw new Error(errors.map((e: { formattedMessage: string }) => e.formattedMessage).join('\n'));
  }
  const artifacts: ContractArtifact[] = [];
  for (const file of Object.keys(sources)) {
    for (const [contractName, contract] of Object.entries<any>(output.contracts[file])) {
      artifacts.push({
        contractName,
        compiler: solc.version(),
        abi: contract.abi,
        bytecode: `0x${contract.evm.bytecode.object}`,
      });
    }
  }
  return artifacts.sort((a, b) => a.contractName.localeCompare(b.contractName));
}

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import solc from 'solc';

export interface ContractArtifact {
  contractName: string;
  compiler: string;
  abi: unknown[];
  bytecode: string;
}

export const CONTRACTS_DIR = path.resolve(__dirname, '../../contracts');
export const ARTIFACTS_DIR = path.resolve(__dirname, '../../artifacts');

function resolveImport(importPath: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(require.resolve(importPath), 'utf8') };
  } catch {
    return { error: `import not found: ${importPath}` };
  }
}

/** Compiles every contract in contracts/ with solc-js (deterministic: same sources, same output). */
export function compileContracts(): ContractArtifact[] {
  const sources: Record<string, { content: string }> = {};
  for (const file of readdirSync(CONTRACTS_DIR).filter((f) => f.endsWith('.sol'))) {
    sources[file] = { content: readFileSync(path.join(CONTRACTS_DIR, file), 'utf8') };
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

/** What global-setup started, handed to the test files through the environment. */
export interface TestStack {
  temporalAddress: string;
  rpcUrl: string;
  chainId: number;
  databaseUrl: string;
  workflowBundlePath: string;
  signerUrl: string;
  signerSecret: string;
  signerKey: string;
  /** The shared signer refuses to sign mints to this address. */
  blockedRecipient: string;
}

export const STACK_ENV = 'NFT_ENGINE_TEST_STACK';

export function testStack(): TestStack {
  const raw = process.env[STACK_ENV];
  if (!raw) throw new Error('the test stack is not running (global-setup did not run)');
  return JSON.parse(raw) as TestStack;
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Client } from 'pg';
import { startSigner } from '../../src/signer/server';
import { startAnvil } from '../../src/stack/anvil';
import { findTemporalCli } from '../../src/stack/temporal-cli';
import { SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';
import { STACK_ENV, type TestStack } from './env';
import { freePort } from '../../src/stack/ports';

/** anvil's first development account. */
const SIGNER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const CHAIN_ID = 31337;

/**
 * One stack for the whole run: a Temporal dev server (the CLI built from its Go module), anvil, a fresh
 * PostgreSQL database, the reference signer, and the workflow bundle made once.
 */
export default async function globalSetup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nft-engine-test-'));
  const cli = findTemporalCli((msg) => console.log(msg));
  if (!cli) throw new Error('no Temporal CLI (TEMPORAL_CLI_PATH, PATH, cache, or Go to build it)');
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      ip: '127.0.0.1',
      searchAttributes: SEARCH_ATTRIBUTES,
      extraArgs: ['--log-level', 'error'],
    },
  });
  const anvil = await startAnvil({ port: await freePort(), chainId: CHAIN_ID, blockTimeSeconds: 1, logFile: path.join(dir, 'anvil.log') });

  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const dbName = `nft_engine_test_${Date.now()}_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();

  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error } as never });
  const workflowBundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, code);

  const signerSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const blockedRecipient = '0x000000000000000000000000000000000000dEaD';
  const chains = [{ name: 'anvil', chainId: CHAIN_ID, rpcUrl: anvil.rpcUrl, confirmations: 1, pollIntervalMs: 200 }];
  const signer = await startSigner({ privateKey: SIGNER_KEY, secret: signerSecret, chains, host: '127.0.0.1', port: 0, blockedRecipients: [blockedRecipient], log: () => undefined });

  const stack: TestStack = {
    temporalAddress: temporal.address, rpcUrl: anvil.rpcUrl, chainId: CHAIN_ID, databaseUrl, workflowBundlePath,
    signerUrl: signer.url, signerSecret, signerKey: SIGNER_KEY, blockedRecipient,
  };
  process.env[STACK_ENV] = JSON.stringify(stack);
  (globalThis as Record<string, unknown>).__nftEngineTeardown = async () => {
    await signer.close();
    await anvil.stop();
    await temporal.teardown();
    const cleanup = new Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await cleanup.end();
    rmSync(dir, { recursive: true, force: true });
  };
}

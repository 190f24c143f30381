import path from 'node:path';
import { loadConfig } from '../config';
import { startEmbeddedStack } from '../stack/embedded';
import { runMain } from './run-main';

/** `npm start`: the whole engine on this machine; prints where everything is. */
runMain('start', async () => {
  const config = loadConfig();
  const say = (msg: string) => console.log(`[start] ${msg}`);
  const stack = await startEmbeddedStack(config, say);
  say('the NFT action engine is up');
  say(`  API           ${stack.apiUrl}  (x-api-key: ${stack.apiKey})`);
  say(`  console       ${stack.apiUrl}/console  (sign in with the API key)`);
  say(`  admin API     ${stack.apiUrl}/v1/admin/projects  (Authorization: Bearer ${stack.adminToken})`);
  say(`  Temporal      ${stack.temporalAddress}  UI ${stack.temporalUi}`);
  say(`  Temporal CLI  npm run temporal -- workflow list${stack.temporalCli ? `  (runs ${stack.temporalCli})` : ''}`);
  say(`  chains        ${stack.chains.map((c) => `${c.name} (${c.chainId}) ${c.rpcUrl}`).join(', ')}`);
  say(`  signer        ${stack.signerUrl}  address ${stack.signerAddress}`);
  say(`  database      ${config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${path.join(config.dataDir, 'pglite')}`}`);
  say(`  logs          ${path.join(config.dataDir, 'logs')}`);
  say('Ctrl-C stops everything.');
  return stack.stop;
});

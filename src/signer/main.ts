import { loadConfig, requireSettings } from '../config';
import { runMain } from '../cli/run-main';
import { startSigner } from './server';

/** The reference signer as its own process: SIGNER_PRIVATE_KEY, SIGNER_SECRET and CHAINS are required. */
runMain('signer', async () => {
  const config = requireSettings(loadConfig(), ['SIGNER_PRIVATE_KEY', 'SIGNER_SECRET', 'CHAINS'], 'the signer');
  const signer = await startSigner({
    privateKey: config.SIGNER_PRIVATE_KEY, secret: config.SIGNER_SECRET, chains: config.CHAINS,
    host: config.HOST, port: config.SIGNER_PORT, blockedRecipients: config.SIGNER_BLOCKED_RECIPIENTS,
  });
  console.log(JSON.stringify({ msg: 'signer listening', url: signer.url, address: signer.address }));
  return () => signer.close();
});

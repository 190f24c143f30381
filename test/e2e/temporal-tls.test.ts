import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { temporalConnectionOptions } from '../../src/temporal/connection';
import { ALICE } from '../support/accounts';
import { startHarness, type Harness } from '../support/harness';
import { makeCertificates, startTlsProxy, TLS_SERVER_NAME } from '../support/tls';

/** The engine's processes reach Temporal through TLS with a client certificate, as on a secured cluster. */
describe('Temporal over mTLS', () => {
  let h: Harness;
  let certs: ReturnType<typeof makeCertificates>;
  let proxy: Awaited<ReturnType<typeof startTlsProxy>>;
  let tlsEnv: Record<string, string>;
  beforeAll(async () => {
    h = await startHarness();
    certs = makeCertificates();
    proxy = await startTlsProxy(h.stack.temporalAddress, certs);
    tlsEnv = {
      TEMPORAL_ADDRESS: proxy.address, TEMPORAL_TLS_CA_PATH: certs.ca, TEMPORAL_TLS_SERVER_NAME: TLS_SERVER_NAME,
      TEMPORAL_TLS_CERT_PATH: certs.clientCert, TEMPORAL_TLS_KEY_PATH: certs.clientKey,
    };
  });
  afterAll(async () => {
    await h?.stop();
    await proxy?.close();
    certs?.remove();
  });

  test('client and worker connections succeed with the certificate and fail without it', async () => {
    const options = temporalConnectionOptions(loadConfig(tlsEnv));
    const client = await Connection.connect(options);
    expect((await client.workflowService.describeNamespace({ namespace: 'default' })).namespaceInfo?.name).toBe('default');
    await client.close();
    const worker = await NativeConnection.connect(options);
    await worker.close();

    const { TEMPORAL_TLS_CERT_PATH: _cert, TEMPORAL_TLS_KEY_PATH: _key, ...withoutClientCert } = tlsEnv;
    await expect((async () => {
      const connection = await Connection.connect({ ...temporalConnectionOptions(loadConfig(withoutClientCert)), connectTimeout: '3s' });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
      } finally {
        await connection.close();
      }
    })()).rejects.toThrow();
  });

  test('an api and a worker process configured for mTLS run a mint end to end', async () => {
    const api = await h.startApi(tlsEnv);
    await h.startWorker(tlsEnv);
    const ready = (await (await fetch(`${api.url}/readyz`)).json()) as { checks: Record<string, unknown> };
    expect(ready.checks.temporal).toEqual({ status: 'ok' });
    const collection = await h.deployCollection('erc721');
    const res = await fetch(`${api.url}/v1/collections/${collection.id}/nfts`, {
      method: 'POST', headers: { 'x-api-key': h.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ recipient: ALICE, metadata: { name: 'Over TLS' } }),
    });
    expect(res.status).toBe(202);
    expect((await h.waitForAction(((await res.json()) as { actionId: string }).actionId)).status).toBe('succeeded');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePortIn } from '../ports';
import { startTemporalCluster, type TemporalCluster } from './cluster';
import { CLUSTER_SERVICES, type ClusterPorts, type ClusterService } from './server-config';

/** Temporal records each service's port in a smallint column (cluster_membership.rpc_port): none above 32767. */
const clusterPort = () => freePortIn(10_000, 32_767);
const perService = async () => Object.fromEntries(await Promise.all(CLUSTER_SERVICES.map(async (s) => [s, await clusterPort()]))) as Record<ClusterService, number>;

/**
 * A cluster for one test or benchmark run: databases of its own beside `adminUrl` (dropped by stop), free
 * loopback ports, the configuration and logs in a temporary directory (removed by stop).
 */
export async function startThrowawayCluster(opts: { adminUrl: string; name: string; numHistoryShards?: number }): Promise<TemporalCluster & { dir: string; startSeconds: number }> {
  const database = `nft_engine_${opts.name}_temporal_${Date.now()}_${process.pid}`;
  const databaseUrl = Object.assign(new URL(opts.adminUrl), { pathname: `/${database}` }).toString();
  const dir = mkdtempSync(path.join(os.tmpdir(), `nft-engine-${opts.name}-cluster-`));
  const ports: ClusterPorts = { grpc: await perService(), membership: await perService(), http: await clusterPort() };
  const cleanUp = async () => {
    const admin = new Client({ connectionString: opts.adminUrl });
    await admin.connect();
    for (const db of [database, `${database}_visibility`]) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  };
  const started = Date.now();
  const cluster = await startTemporalCluster({ databaseUrl, ports, numHistoryShards: opts.numHistoryShards ?? 4, namespace: 'default', dir }).catch(async (err) => {
    await cleanUp().catch(() => undefined);
    throw err;
  });
  return {
    ...cluster, dir, startSeconds: (Date.now() - started) / 1000,
    async stop() {
      await cluster.stop();
      await cleanUp();
    },
  };
}

import path from 'node:path';
import { runMain } from '../src/cli/run-main';
import { loadConfig } from '../src/config';
import { startTemporalCluster } from '../src/stack/temporal-cluster/cluster';
import { describeDatabase, clusterDatabase } from '../src/stack/temporal-cluster/database';
import { CLUSTER_SERVICES, portsFrom } from '../src/stack/temporal-cluster/server-config';

/**
 * `npm run temporal:cluster`: a Temporal cluster on PostgreSQL, each service its own process, on this machine
 * (the production shape without Docker). Ctrl-C or SIGTERM stops it; its state stays in the database.
 */
runMain('temporal:cluster', async () => {
  const config = loadConfig();
  const say = (msg: string) => console.log(`[temporal:cluster] ${msg}`);
  const ports = portsFrom(config.TEMPORAL_PORT);
  const dir = path.join(config.dataDir, 'temporal-cluster');
  const started = Date.now();
  const cluster = await startTemporalCluster({
    databaseUrl: config.TEMPORAL_CLUSTER_DATABASE_URL, ports, numHistoryShards: config.TEMPORAL_HISTORY_SHARDS,
    namespace: config.TEMPORAL_NAMESPACE, dir, log: say,
  });
  say(`Temporal ${cluster.version} cluster ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`  frontend      ${cluster.address} (gRPC), 127.0.0.1:${ports.http} (HTTP)  namespace ${config.TEMPORAL_NAMESPACE}`);
  for (const service of CLUSTER_SERVICES) {
    say(`  ${service.padEnd(13)} pid ${cluster.services[service].child.pid}, gRPC ${ports.grpc[service]}, membership ${ports.membership[service]}, log ${cluster.logFile(service)}`);
  }
  say(`  database      ${describeDatabase(clusterDatabase(config.TEMPORAL_CLUSTER_DATABASE_URL))}, ${config.TEMPORAL_HISTORY_SHARDS} history shards`);
  say(`point the engine at it: TEMPORAL_ADDRESS=${cluster.address} TEMPORAL_NAMESPACE=${config.TEMPORAL_NAMESPACE}`);
  say('Ctrl-C stops it.');
  return cluster.stop;
});

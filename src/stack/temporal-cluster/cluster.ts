import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { spawnService, type Service } from '../process';
import { findTemporalServer } from './binaries';
import { clusterDatabase, describeDatabase, setupSchemas } from './database';
import { clusterAnswers, ensureNamespace } from './namespace';
import { CLUSTER_SERVICES, serverConfig, type ClusterPorts, type ClusterService } from './server-config';

/** Shared with docker-compose.yml, so both run the server with the same dynamic configuration. */
export const DYNAMIC_CONFIG_FILE = path.resolve(__dirname, '../../../deploy/temporal/dynamicconfig.yaml');

const logTail = (file: string) => {
  try {
    return readFileSync(file, 'utf8').slice(-1500);
  } catch {
    return '(no log)';
  }
};

const acceptsConnections = (port: number) => new Promise<boolean>((resolve) => {
  const socket = connect(port, '127.0.0.1');
  socket.once('connect', () => (socket.destroy(), resolve(true)));
  socket.once('error', () => resolve(false));
});

export interface ClusterOptions {
  /** PostgreSQL for Temporal's stores: the URL's database and `<database>_visibility`, created if missing. */
  databaseUrl: string;
  ports: ClusterPorts;
  numHistoryShards: number;
  namespace: string;
  /** Holds the server configuration (with the database password: mode 0600) and a log per service. */
  dir: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  readyTimeoutMs?: number;
  log?: (msg: string) => void;
}

export interface TemporalCluster {
  address: string;
  version: string;
  ports: ClusterPorts;
  /** The running process of each service (replaced by restart). */
  services: Record<ClusterService, Service>;
  logFile(service: ClusterService): string;
  /** SIGKILL a service's process and wait until it is gone. */
  kill(service: ClusterService): Promise<void>;
  /** Start a service's process again (after kill or stop), on the same ports. */
  start(service: ClusterService): Promise<void>;
  /** Stops the services, frontend first so clients see it go before the services behind it. */
  stop(): Promise<void>;
}

/**
 * A Temporal cluster on PostgreSQL from the server's Go module: schemas set up or upgraded, then frontend,
 * history, matching and worker as separate processes (`start --service`), ready once the frontend serves the
 * namespace, which is registered with the engine's search attributes.
 */
export async function startTemporalCluster(opts: ClusterOptions): Promise<TemporalCluster> {
  const log = opts.log ?? (() => undefined);
  const bins = findTemporalServer(log);
  if (!bins) throw new Error('no Temporal server: install Go so it can be built (npm run temporal:server), or set TEMPORAL_SERVER_BIN_DIR');
  const db = clusterDatabase(opts.databaseUrl);
  log(`Temporal ${bins.version} schemas on ${describeDatabase(db)}`);
  await setupSchemas(bins.sqlTool, db, log);

  mkdirSync(opts.dir, { recursive: true });
  const config = serverConfig({ db, ports: opts.ports, numHistoryShards: opts.numHistoryShards, dynamicConfigFile: DYNAMIC_CONFIG_FILE, logLevel: opts.logLevel ?? 'warn' });
  writeFileSync(path.join(opts.dir, 'cluster.yaml'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });

  const logFile = (service: ClusterService) => path.join(opts.dir, `${service}.log`);
  const spawn = (service: ClusterService) => spawnService(`temporal-${service}`, bins.server,
    ['--root', opts.dir, '--config', '.', '--env', 'cluster', '--allow-no-auth', 'start', '--service', service], { logFile: logFile(service) });
  const services = {} as Record<ClusterService, Service>;
  const address = `127.0.0.1:${opts.ports.grpc.frontend}`;
  const stop = async () => {
    for (const service of CLUSTER_SERVICES) await services[service]?.stop();
  };

  try {
    // Any service exiting while we wait fails the start at once, naming its log.
    let exited!: (err: Error) => void;
    const anyExit = new Promise<never>((_, reject) => (exited = reject));
    const launch = (service: ClusterService) => {
      services[service] = spawn(service);
      services[service].child.once('exit', (code, signal) => exited(new Error(
        `the Temporal ${service} service exited (${code ?? signal}) while starting; the end of ${logFile(service)}:\n${logTail(logFile(service))}`)));
    };
    let settled = false;
    anyExit.catch(() => (settled = true));
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
    const poll = async (what: string, check: () => Promise<boolean>) => {
      let last: unknown;
      while (!settled) {
        if (await check().catch((err) => ((last = err), false))) return;
        if (Date.now() > deadline) throw new Error(`${what}: not ready in time (${(last as Error)?.message ?? 'no answer'})`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    await Promise.race([anyExit, (async () => {
      // Each service writes the cluster's metadata when a fresh database has none: started together they race
      // to write it and the losers exit. The frontend goes first; it listens only once the metadata is written.
      launch('frontend');
      await poll('Temporal frontend (listening)', () => acceptsConnections(opts.ports.grpc.frontend));
      for (const service of CLUSTER_SERVICES) if (service !== 'frontend') launch(service);
      await poll('Temporal frontend (namespace registered)', async () => (await ensureNamespace(address, opts.namespace), true));
      await poll('Temporal cluster (history answering)', () => clusterAnswers(address, opts.namespace));
    })().finally(() => (settled = true))]);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    address, version: bins.version, ports: opts.ports, services, logFile, stop,
    async kill(service) {
      const { child } = services[service];
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    },
    async start(service) {
      await services[service].stop();
      services[service] = spawn(service);
    },
  };
}

import type { ClusterDatabase } from './database';

export const CLUSTER_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type ClusterService = (typeof CLUSTER_SERVICES)[number];

export interface ClusterPorts {
  grpc: Record<ClusterService, number>;
  membership: Record<ClusterService, number>;
  /** The frontend's HTTP API. */
  http: number;
}

/** Temporal's default layout (7233 frontend, 7234 history, 7235 matching, 7239 worker, 6933… membership, 7243 HTTP) moved to `frontend`. */
export function portsFrom(frontend: number): ClusterPorts {
  const offsets: Record<ClusterService, number> = { frontend: 0, history: 1, matching: 2, worker: 6 };
  // Temporal keeps the ports in a smallint column (cluster_membership.rpc_port).
  if (frontend < 1324 || frontend > 32_757) throw new Error(`the frontend port ${frontend}: a cluster's ports are 1024–32767 (the frontend's 300 below to 10 above it)`);
  const by = (base: number) => Object.fromEntries(CLUSTER_SERVICES.map((s) => [s, base + offsets[s]])) as Record<ClusterService, number>;
  return { grpc: by(frontend), membership: by(frontend - 300), http: frontend + 10 };
}

export interface ServerConfigOptions {
  db: ClusterDatabase;
  ports: ClusterPorts;
  /** Fixed for the life of the cluster's database: the server refuses to start with another count. */
  numHistoryShards: number;
  dynamicConfigFile: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

const sqlStore = (db: ClusterDatabase, databaseName: string, maxConns: number) => ({
  sql: {
    pluginName: 'postgres12', databaseName, connectAddr: `${db.host}:${db.port}`, connectProtocol: 'tcp',
    user: db.user, password: db.password, maxConns, maxIdleConns: maxConns, maxConnLifetime: '1h',
  },
});

/**
 * The server's configuration (config/development-postgres12.yaml of the server module, every service on
 * loopback), as an object: written as JSON, which the server's YAML loader reads as it is.
 */
export function serverConfig(opts: ServerConfigOptions) {
  const { ports } = opts;
  const rpc = (service: ClusterService) => ({
    grpcPort: ports.grpc[service], membershipPort: ports.membership[service], bindOnLocalHost: true,
    ...(service === 'frontend' ? { httpPort: ports.http } : {}),
  });
  return {
    log: { stdout: true, level: opts.logLevel },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: opts.numHistoryShards,
      datastores: {
        'postgres-default': sqlStore(opts.db, opts.db.database, 20),
        'postgres-visibility': sqlStore(opts.db, opts.db.visibilityDatabase, 4),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: Object.fromEntries(CLUSTER_SERVICES.map((s) => [s, { rpc: rpc(s) }])),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${ports.grpc.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    publicClient: { hostPort: `127.0.0.1:${ports.grpc.frontend}` },
    dynamicConfigClient: { filepath: opts.dynamicConfigFile, pollInterval: '10s' },
  };
}

import path from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const url = z.url({ protocol: /^https?$/ });

export const chainSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and dashes'),
  chainId: z.number().int().positive(),
  rpcUrl: url,
  confirmations: z.number().int().min(1).max(100).default(2),
  pollIntervalMs: z.number().int().min(100).max(60_000).default(1_000),
  /** A transaction not mined for this long is replaced with higher fees (default 2 minutes; thirdweb Engine waits 120 s). */
  stuckAfterMs: z.number().int().min(1_000).max(86_400_000).optional(),
  /** The highest maxFeePerGas (wei) the engine offers on this chain, first price and replacements alike. */
  maxFeePerGas: z.string().regex(/^[1-9]\d{0,30}$/, 'a positive integer number of wei, as a string').optional(),
  /** Marketplace contracts by address, named in sale details of chain events. */
  marketplaces: z.record(z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'an address'), z.string().min(1).max(100)).optional(),
  /** A block explorer (Etherscan-like: /tx/<hash>, /address/<address>) the console links transactions and contracts to. */
  explorerUrl: url.optional(),
  /** The chain's coin, named in sale details paid with it. */
  nativeCurrency: z.object({ name: z.string(), symbol: z.string(), decimals: z.number().int().min(0).max(36) }).optional(),
});
export type ChainConfig = z.infer<typeof chainSchema>;

const chainsFromJson = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON array of chains' });
    return z.NEVER;
  }
}).pipe(z.array(chainSchema).min(1));

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "0", "250ms", "5s", "30m", "2h", "5d" in milliseconds; undefined if not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text);
  return match ? Number(match[1]) * UNITS[match[2] ?? 'ms'] : undefined;
}

const FIRST_RETRY_MS = 5_000;
const LONGEST_DELAY_MS = 12 * 3_600_000;

/**
 * A retry schedule spanning a window, as Stripe's spans 3 days: an immediate attempt, then delays doubling
 * from 5 s up to 12 h each, the last one stretched so that the last attempt falls at the window's end.
 */
export function scheduleSpanning(windowMs: number): number[] {
  const schedule = [0];
  let spanned = 0;
  let delay = FIRST_RETRY_MS;
  while (spanned + delay <= windowMs) {
    schedule.push(delay);
    spanned += delay;
    delay = Math.min(delay * 2, LONGEST_DELAY_MS);
  }
  schedule[schedule.length - 1] += windowMs - spanned;
  return schedule;
}

/** A delay in the form parseDuration reads, in milliseconds; `example` names the expected form. */
const duration = (example: string) =>
  z.string().transform((v, ctx) => parseDuration(v) ?? (ctx.addIssue({ code: 'custom', message: example }), z.NEVER));

const envSchema = z.object({
  DATA_DIR: z.string().default('./data'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3000),
  PUBLIC_BASE_URL: url.optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'host:port').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('nft-actions'),
  TEMPORAL_CLI_PATH: z.string().optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CA_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  WORKER_TASK_QUEUES: z
    .string()
    .transform((v) => v.split(',').map((q) => q.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['actions', 'webhooks'])).min(1))
    .default(['actions', 'webhooks']),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).default(100),
  // An action's workflow task stays open while its local steps run, a short wait for confirmations included.
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(10_000).default(200),
  WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).default(200),
  WORKER_SHUTDOWN_GRACE: duration('a delay such as 30s').default(30_000),
  /**
   * Workflow code running this long without yielding fails its task as a potential deadlock. 0, the default, does
   * not watch: Node enforces the limit with an OS thread made and joined for every call into the workflow sandbox.
   */
  WORKER_DEADLOCK_DETECTION_MS: z.coerce.number().int().min(0).max(600_000).default(0),
  /**
   * The worker process's CPU priority (nice, 0–19): on a host it shares with the API, PostgreSQL or Temporal, their
   * answers come before its background work; alone on a host it changes nothing.
   */
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /** Whether action workers follow the chains for chain events (subscriptions, creator notifications); one process per chain does at a time. */
  CHAIN_EVENTS: z.enum(['on', 'off']).default('on'),
  /** How long reading a token's metadata for a metadata-update event may take (tokenURI, then its URL). */
  CHAIN_EVENTS_METADATA_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3_000),
  WORKER_PORT: port.default(9464),
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  SIGNER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  REORG_CHECK_INTERVAL: duration('a delay such as 15s').pipe(z.number().min(100, 'at least 100ms')).default(15_000),
  REORG_CHECK_DEPTH: z.coerce.number().int().min(1).max(10_000).default(64),
  NONCE_HEALTH_INTERVAL: duration('a delay such as 30s').pipe(z.number().min(100, 'at least 100ms')).default(30_000),
  SHUTDOWN_TIMEOUT: duration('a delay such as 30s').default(30_000),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** Where the console links an action's workflow: the Temporal Web UI (`npm start`: its dev server's). */
  TEMPORAL_UI_URL: url.optional(),
  TEMPORAL_CLUSTER_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/temporal_cluster'),
  TEMPORAL_HISTORY_SHARDS: z.coerce.number().int().min(1).max(16_384).default(4),
  TEMPORAL_SERVER_BIN_DIR: z.string().min(1).optional(),
  ANVIL_PORT: port.default(8545),
  ANVIL_BLOCK_TIME: z.coerce.number().int().min(1).max(60).default(1),
  CHAINS: chainsFromJson.optional(),
  SIGNER_URL: url.optional(),
  SIGNER_PORT: port.default(3100),
  SIGNER_PRIVATE_KEY: z.string().regex(/^0x[0-9a-fA-F]{64}$/, '0x followed by 64 hex digits').optional(),
  SIGNER_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'whsec_ followed by base64').optional(),
  SIGNER_BLOCKED_RECIPIENTS: z
    .string()
    .transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'a 0x address')))
    .default([]),
  DEV_API_KEY: z.string().min(24, 'at least 24 characters').optional(),
  ADMIN_TOKEN: z.string().min(24, 'at least 24 characters').optional(),
  SECRETS_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, '32 bytes, base64-encoded').optional(),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .transform((v, ctx) => {
      const delays = v.split(',').map((d) => parseDuration(d.trim()));
      if (delays.some((d) => d === undefined)) {
        ctx.addIssue({ code: 'custom', message: 'comma-separated delays such as 0,5s,5m,30m,2h' });
        return z.NEVER;
      }
      return delays as number[];
    })
    .default(['0', '5s', '5m', '30m', '2h', '5h', '10h', '10h'].map((d) => parseDuration(d)!)),
  WEBHOOK_RETRY_WINDOW: duration('a delay such as 3d').pipe(z.number().min(3 * 86_400_000, 'at least 3d').max(30 * 86_400_000, 'at most 30d')).optional(),
  WEBHOOK_SECRET_GRACE: duration('a delay such as 24h').default(86_400_000),
  /** Unset: off, but on in the embedded development stack (src/stack/development-settings.ts). */
  WEBHOOK_ALLOW_PRIVATE_URLS: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  WEBHOOK_DISABLE_AFTER: duration('a delay such as 5d or 12h').default(5 * 86_400_000),
  MIGRATE_ON_START: z.enum(['true', 'false']).transform((v) => v === 'true').default(true),
  LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/).default('100kb'),
  BATCH_BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/).default('10mb'),
});

/** Every setting the engine reads from its environment. */
export const SETTINGS = Object.keys(envSchema.shape);

export type Config = z.infer<typeof envSchema> & { dataDir: string; publicBaseUrl: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates the environment; every wrong value is named in the error. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
  }
  const cfg = parsed.data;
  if (Boolean(cfg.TEMPORAL_TLS_CERT_PATH) !== Boolean(cfg.TEMPORAL_TLS_KEY_PATH)) {
    throw new ConfigError(['TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH: set both for mTLS, or neither']);
  }
  if (cfg.WEBHOOK_RETRY_WINDOW !== undefined && relevant.WEBHOOK_RETRY_SCHEDULE !== undefined) {
    throw new ConfigError(['WEBHOOK_RETRY_WINDOW and WEBHOOK_RETRY_SCHEDULE: set one or neither']);
  }
  return {
    ...cfg,
    WEBHOOK_RETRY_SCHEDULE: cfg.WEBHOOK_RETRY_WINDOW === undefined ? cfg.WEBHOOK_RETRY_SCHEDULE : scheduleSpanning(cfg.WEBHOOK_RETRY_WINDOW),
    dataDir: path.resolve(cfg.DATA_DIR),
    publicBaseUrl: (cfg.PUBLIC_BASE_URL ?? `http://${cfg.HOST === '0.0.0.0' ? 'localhost' : cfg.HOST}:${cfg.PORT}`).replace(/\/$/, ''),
  };
}

/** Narrows the config to one where the given settings are present, naming every missing one. */
export function requireSettings<K extends keyof Config>(config: Config, keys: K[], who: string): Config & Required<Pick<Config, K>> {
  const missing = keys.filter((k) => config[k] === undefined);
  if (missing.length > 0) throw new ConfigError(missing.map((k) => `${String(k)}: required for ${who}`));
  return config as Config & Required<Pick<Config, K>>;
}

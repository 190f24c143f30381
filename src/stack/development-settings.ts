import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import { persisted } from './persisted';

export type DevelopmentConfig = Config & { ADMIN_TOKEN: string; WEBHOOK_ALLOW_PRIVATE_URLS: boolean };

/**
 * What the embedded stack (`npm start`) turns on for a developer unless the environment says otherwise:
 * webhook and function receivers on loopback and private addresses, and the admin API, with a token generated
 * once into DATA_DIR. The `api` and `worker` entry points keep both off unless configured.
 */
export function withDevelopmentSettings(config: Config): DevelopmentConfig {
  return {
    ...config,
    WEBHOOK_ALLOW_PRIVATE_URLS: config.WEBHOOK_ALLOW_PRIVATE_URLS ?? true,
    ADMIN_TOKEN: config.ADMIN_TOKEN ?? persisted(config.dataDir, 'admin-token', () => randomBytes(32).toString('base64url')),
  };
}

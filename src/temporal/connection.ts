import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from '../config';

export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

/**
 * How to reach the Temporal cluster, shared by clients and workers: plain for a local server, TLS with an
 * API key for Temporal Cloud, mTLS with a client certificate for Cloud or a self-hosted cluster.
 */
export function temporalConnectionOptions(config: Config, address = config.TEMPORAL_ADDRESS): TemporalConnectionOptions {
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set');
  const useTls = config.TEMPORAL_TLS ?? Boolean(config.TEMPORAL_API_KEY || config.TEMPORAL_TLS_CERT_PATH || config.TEMPORAL_TLS_CA_PATH);
  if (!useTls) return { address, apiKey: config.TEMPORAL_API_KEY };
  const tls: TLSConfig = {};
  if (config.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = config.TEMPORAL_TLS_SERVER_NAME;
  if (config.TEMPORAL_TLS_CA_PATH) tls.serverRootCACertificate = readFileSync(config.TEMPORAL_TLS_CA_PATH);
  if (config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH) {
    tls.clientCertPair = { crt: readFileSync(config.TEMPORAL_TLS_CERT_PATH), key: readFileSync(config.TEMPORAL_TLS_KEY_PATH) };
  }
  return { address, tls, apiKey: config.TEMPORAL_API_KEY };
}

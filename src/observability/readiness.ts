import type { Connection } from '@temporalio/client';
import type { Queryable } from '../db/database';
import type { ReadinessCheck } from './ops-routes';

export const databaseReady = (db: Queryable): ReadinessCheck => ({ name: 'database', check: () => db.query('SELECT 1') });

/** Describing the namespace proves the address, the credentials and the namespace at once. */
export const temporalReady = (connection: Connection, namespace: string): ReadinessCheck => ({
  name: 'temporal',
  check: () => connection.workflowService.describeNamespace({ namespace }),
});

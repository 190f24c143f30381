import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { ensureSearchAttributes } from '../../temporal/ensure-search-attributes';

const RETENTION_MS = 30 * 86_400_000;

/** Registers the namespace if it is missing (30 days' retention, as docker-compose.yml's), then the engine's search attributes. */
export async function ensureNamespace(address: string, namespace: string) {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  try {
    const exists = await connection.workflowService.describeNamespace({ namespace }).then(() => true, (err: { code?: number }) => {
      if (err.code === 5) return false; // NOT_FOUND
      throw err;
    });
    if (!exists) {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION_MS) }).catch((err: { code?: number }) => {
        if (err.code !== 6) throw err; // ALREADY_EXISTS: another starter won the race
      });
    }
    await ensureSearchAttributes(connection, namespace);
  } finally {
    await connection.close();
  }
}

/**
 * Ready when the frontend answers for the namespace and history takes a request for it: a query of a workflow
 * that does not exist goes through the frontend's and history's namespace caches to a shard and back as NOT_FOUND.
 */
export async function clusterAnswers(address: string, namespace: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return await connection.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId: 'nft-engine-readiness-probe' } })
      .then(() => true, (err: { code?: number }) => err.code === 5);
  } finally {
    await connection.close();
  }
}

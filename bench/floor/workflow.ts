import { proxyLocalActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { echo } = proxyLocalActivities<typeof activities>({ startToCloseTimeout: '10s' });

/** The floor: the least a workflow can be (one local activity), to measure what the Temporal server allows. */
export async function floorWorkflow(n: number): Promise<number> {
  return echo(n);
}

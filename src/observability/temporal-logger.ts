import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

/** The action or delivery a workflow id stands for, so every line about it can be found by that id. */
export function idsOfWorkflow(workflowId: unknown): Record<string, string> {
  if (typeof workflowId !== 'string') return {};
  if (workflowId.startsWith('action-')) return { actionId: workflowId.slice('action-'.length) };
  const delivery = /^webhook-(.+?)(?:-from-\d+)?$/.exec(workflowId);
  return delivery ? { deliveryId: delivery[1] } : {};
}

const plain = (value: unknown) => (value instanceof Error ? value.message : value);
/** A task token completes the activity for whoever holds it: not for logs. */
const OMITTED = new Set(['taskToken']);

/**
 * Routes the Temporal SDK's own logs (worker, workflow and activity lines, with their workflow ids, and the
 * native core's warnings, which it would otherwise print as coloured text) into the same one-line JSON as the
 * engine's, adding the action id. Must run before any worker connects.
 */
export function installTemporalJsonLogger(component: string, level: LogLevel, out: NodeJS.WritableStream = process.stdout) {
  Runtime.install({
    telemetryOptions: { logging: { filter: { core: level === 'ERROR' ? 'ERROR' : 'WARN', other: 'ERROR' }, forward: {} } },
    logger: new DefaultLogger(level, ({ level: lineLevel, message, meta = {}, timestampNanos }) => {
      const fields = Object.fromEntries(Object.entries(meta).filter(([k]) => !OMITTED.has(k)).map(([k, v]) => [k, plain(v)]));
      const time = new Date(Number(timestampNanos / 1_000_000n)).toISOString();
      out.write(`${JSON.stringify({ time, level: lineLevel.toLowerCase(), component, msg: message, ...idsOfWorkflow(meta.workflowId), ...fields })}\n`);
    }),
  });
}

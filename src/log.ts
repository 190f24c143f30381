export type LogFn = (msg: string, fields?: Record<string, unknown>) => void;

/** Structured JSON logs, one line each. Callers pass ids and reasons, never secrets. */
export function createLogger(component: string, out: NodeJS.WritableStream = process.stdout): LogFn {
  return (msg, fields = {}) => {
    out.write(`${JSON.stringify({ time: new Date().toISOString(), component, msg, ...fields })}\n`);
  };
}

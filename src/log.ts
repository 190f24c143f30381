export type LogFn = (msg: string, fields?: Record<string, unknown>) => void;

/** Structured JSON logs, one line each. Callers pass ids and reasons, never secrets. */
export function createLogger(component: string, level: 'info' | 'error' = 'info'): LogFn {
  return (msg, fields = {}) => {
    const line = JSON.stringify({ time: new Date().toISOString(), level, component, msg, ...fields });
    if (level === 'error') process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  };
}

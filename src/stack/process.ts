import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface Service {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a child process whose output goes to a log file, and stops it with SIGTERM (then SIGKILL). */
export function spawnService(name: string, command: string, args: string[], opts: { logFile: string; env?: NodeJS.ProcessEnv }): Service {
  mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const out = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(command, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      out.end();
    },
  };
}

/** Polls until check() resolves true, failing after timeoutMs or as soon as the service exits. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, service?: Service) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service && service.child.exitCode !== null) throw new Error(`${what}: process exited with code ${service.child.exitCode}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

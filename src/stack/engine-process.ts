import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface EngineProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM and wait for the graceful exit; its exit code. */
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

/**
 * Starts an entry point of the engine (src/api/main.ts, src/worker/main.ts) as its own process and
 * resolves once it printed `readyText`. It runs as node with tsx's loader, not the tsx CLI, so a signal
 * reaches the engine itself and not a wrapper around it. `nodeArgs` go to node (e.g. `--cpu-prof`).
 */
export async function startEngineProcess(entry: string, readyText: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<EngineProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => {
      if (output.includes(readyText)) resolve();
    });
    // 'close', not 'exit': by then its last words (why it stopped) have been read.
    child.once('close', (code) => reject(new Error(`${entry} exited (${code}) before it was ready:\n${output}`)));
  });
  return {
    child,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

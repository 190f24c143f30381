import path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface SignatureParts {
  r: string;
  s: string;
  yParity: 0 | 1;
}

type Waiter = { resolve: (address: string) => void; reject: (err: Error) => void };

let thread: { worker: Worker; waiting: Map<number, Waiter> } | undefined;
let nextId = 0;

/**
 * The address that signed `hash`, recovered in a thread of its own (src/signing/recover-thread.cjs): the
 * secp256k1 arithmetic, about 3 ms a signature in JavaScript, took 7–8 % of the worker's event loop, which
 * bounds single mints. The thread starts on first use, keeps the process alive only while it has recoveries
 * to answer, and is started again after it failed.
 */
export function recoverOffThread(hash: string, signature: SignatureParts): Promise<string> {
  const { worker, waiting } = (thread ??= startThread());
  return new Promise((resolve, reject) => {
    const id = nextId++;
    if (waiting.size === 0) worker.ref();
    waiting.set(id, { resolve, reject });
    worker.postMessage({ id, hash, signature });
  });
}

function startThread() {
  const worker = new Worker(path.join(__dirname, 'recover-thread.cjs'), { execArgv: [] });
  const waiting = new Map<number, Waiter>();
  const started = { worker, waiting };
  const failAll = (err: Error) => {
    if (thread === started) thread = undefined;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (msg: { id: number; address?: string; error?: string }) => {
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (waiting.size === 0) worker.unref();
    if (msg.address) w?.resolve(msg.address);
    else w?.reject(new Error(`signature recovery failed: ${msg.error}`));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the signature recovery thread exited (code ${code})`)));
  // Listening for its messages holds the process open; from here only a recovery under way does.
  worker.unref();
  return started;
}

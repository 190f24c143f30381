import { readdirSync } from 'node:fs';
import os from 'node:os';

/**
 * Lowers this process's CPU priority to `nice`: every thread it has now (Linux sets it per thread) and, through
 * them, the threads it starts later, which inherit it. Answers why it could not, if it could not.
 */
export function lowerCpuPriority(nice: number): string | undefined {
  if (nice === 0) return undefined;
  let threads: number[];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    // Not Linux: the priority is the process's.
    threads = [0];
  }
  try {
    for (const thread of threads) os.setPriority(thread, nice);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

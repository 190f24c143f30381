import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** Lowers the priority in a node process of its own, starts a thread after it, and answers every thread's nice value. */
function niceOfThreadsAfter(nice: number): number[] {
  const script = `
    const { readdirSync, readFileSync } = require('node:fs');
    const { Worker } = require('node:worker_threads');
    const { lowerCpuPriority } = require('./src/worker/cpu-priority.ts');
    const refused = lowerCpuPriority(${nice});
    if (refused) throw new Error(refused);
    const thread = new Worker('setTimeout(() => {}, 2000)', { eval: true });
    thread.on('online', () => {
      // Field 19 of /proc/<pid>/task/<tid>/stat, counted after the command name's closing parenthesis.
      const nices = readdirSync('/proc/self/task').map((tid) => Number(readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]));
      process.stdout.write(JSON.stringify(nices));
      process.exit(0);
    });`;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8' }));
}

const linux = process.platform === 'linux' ? describe : describe.skip;

linux('lowerCpuPriority: the worker process yields the CPU to the API on a shared host', () => {
  test('every thread, those there before and one started after, runs at the nice value given', () => {
    const nices = niceOfThreadsAfter(7);
    // node's own threads, the libuv pool and the one started after.
    expect(nices.length).toBeGreaterThan(3);
    expect(new Set(nices)).toEqual(new Set([7]));
  });

  test('0 leaves the priority as it was', () => {
    expect(new Set(niceOfThreadsAfter(0))).toEqual(new Set([os.getPriority()]));
  });
});

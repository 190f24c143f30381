/**
 * How many confirmation waits a worker lets run at once. A wait holds a local-activity slot and its workflow
 * task's slot: if waits took them all, the steps that send lower nonces could not run, and the transactions
 * waited for, queued behind those nonces, could not be mined. Past the limit a wait answers at once, and the
 * workflow looks again after a durable timer.
 */
export function waitSlots(max: number) {
  let held = 0;
  return {
    async run<T>(wait: () => Promise<T>, whenFull: T): Promise<T> {
      if (held >= max) return whenFull;
      held++;
      try {
        return await wait();
      } finally {
        held--;
      }
    },
  };
}

export type WaitSlots = ReturnType<typeof waitSlots>;

import { ConfigError } from '../config';
import { ListenError } from './listen';

/**
 * Runs a process entry point: prints configuration problems and a port it cannot listen on plainly, and on
 * SIGINT/SIGTERM runs the returned shutdown once before exiting.
 */
export function runMain(name: string, main: () => Promise<() => Promise<void>>) {
  main().then(
    (shutdown) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.error(`${name}: ${signal} received, shutting down`);
        shutdown().then(() => process.exit(0), (err) => {
          console.error(`${name}: shutdown failed: ${(err as Error).message}`);
          process.exit(1);
        });
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    },
    (err) => {
      const plain = err instanceof ConfigError || err instanceof ListenError;
      console.error(plain ? `${name}: ${err.message}` : `${name}: failed to start: ${(err as Error).stack ?? err}`);
      process.exit(1);
    },
  );
}

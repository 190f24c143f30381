import { createServer, type Server } from 'node:http';
import type { Express } from 'express';

/** A port the process could not listen on: a startup problem to state in one line, not a crash. */
export class ListenError extends Error {
  /** The system's code: EADDRINUSE, EACCES, EADDRNOTAVAIL… */
  readonly code: string | undefined;

  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    super(cause.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use` : `cannot listen on port ${port} on ${host}: ${cause.message}`, { cause });
    this.name = 'ListenError';
    this.code = cause.code;
  }
}

/**
 * Resolves once the app listens on host:port, rejects with a ListenError otherwise. Not app.listen: Express 5
 * hands a listen error to the callback, which would resolve with a server that is not listening.
 */
export function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = createServer(app);
    server.once('error', (err) => reject(new ListenError(host, port, err)));
    server.listen(port, host, () => resolve(server));
  });
}

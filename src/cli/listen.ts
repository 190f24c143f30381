import type { Server } from 'node:http';
import type { Express } from 'express';

/** Listens on host:port; rejects (a port in use, say) instead of leaving an unhandled 'error' event. */
export function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.once('error', reject);
  });
}

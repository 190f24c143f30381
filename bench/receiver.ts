import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  at: number;
  event: { id: string; type: string; actionId: string; completedAt?: string; test?: boolean };
}

/** A loopback webhook receiver that answers 200 at once and notes when each event arrived. */
export async function startBenchReceiver() {
  const arrivals: Arrival[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      arrivals.push({ at: Date.now(), event: JSON.parse(body) });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    arrivals,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  at: number;
  path: string;
  event: { id: string; type: string; actionId: string; completedAt?: string; test?: boolean };
}

const closeServer = (server: Server) => new Promise<void>((r) => {
  server.closeAllConnections();
  server.close(() => r());
});

/** A loopback webhook receiver that answers 200 at once and notes when each event arrived (and at which path). */
export async function startBenchReceiver() {
  const arrivals: Arrival[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        arrivals.push({ at: Date.now(), path: req.url ?? '', event: JSON.parse(body) });
      } catch { /* not an event: ignore */ }
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    arrivals,
    close: () => closeServer(server),
  };
}

/** A receiver that accepts connections, reads what is sent and never answers (until closed). */
export async function startHangingReceiver() {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hangs`,
    connections: () => sockets.size,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

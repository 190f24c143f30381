import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { serveOnLoopback } from '../test/support/receiver';

export interface Arrival {
  at: number;
  path: string;
  event: { id: string; type: string; actionId: string; completedAt?: string; test?: boolean };
}

/** The bench's receiver: answers 200 at once and notes when each event arrived (and at which path). */
export async function startBenchReceiver() {
  const arrivals: Arrival[] = [];
  const server = await serveOnLoopback((req, res) => {
    try {
      arrivals.push({ at: req.at, path: req.path, event: JSON.parse(req.body) });
    } catch { /* not an event: ignore */ }
    res.end('ok');
  }, { keepAliveTimeoutMs: 60_000 });
  return { url: server.url, arrivals, close: server.close };
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

import { createServer, type Server, type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A loopback TCP proxy to `target` that can be cut (connections refused and dropped) and restored on the same port. */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  const open = (port: number) => new Promise<Server>((resolve, reject) => {
    const server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
  let server: Server | undefined = await open(0);
  const { port } = server.address() as AddressInfo;
  const cut = async () => {
    const closing = server;
    server = undefined;
    for (const s of sockets) s.destroy();
    if (closing) await new Promise((r) => closing.close(r));
  };
  return {
    url: `http://127.0.0.1:${port}`,
    cut,
    restore: async () => {
      server ??= await open(port);
    },
    close: cut,
  };
}

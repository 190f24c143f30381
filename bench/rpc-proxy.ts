import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A JSON-RPC proxy on loopback in front of a node that counts the calls passing through by method
 * (each call of a JSON-RPC batch counts once). The engine processes get its URL as their rpcUrl.
 */
export async function startRpcProxy(target: string) {
  const counts = new Map<string, number>();
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      try {
        const parsed = JSON.parse(body.toString());
        for (const call of Array.isArray(parsed) ? parsed : [parsed]) counts.set(String(call?.method), (counts.get(String(call?.method)) ?? 0) + 1);
      } catch {
        counts.set('(unparsable)', (counts.get('(unparsable)') ?? 0) + 1);
      }
      const out = request({
        host: upstream.hostname, port: upstream.port, path: upstream.pathname, method: req.method,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', (err) => { res.writeHead(502).end(String(err)); });
      out.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** A copy of the counts so far. */
    snapshot: () => new Map(counts),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** Calls by method between two snapshots. */
export function countsBetween(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const diff: Record<string, number> = {};
  for (const [method, n] of after) if (n - (before.get(method) ?? 0) > 0) diff[method] = n - (before.get(method) ?? 0);
  return diff;
}

import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  /** The path asked for: one server answers every path. */
  path: string;
  body: string;
  at: number;
}

/** An HTTP server on loopback that reads each request whole and hands it to `handle`, keeping nothing. */
export async function serveOnLoopback(
  handle: (req: Received, res: ServerResponse) => void,
  /** How long an idle sender's connection stays open; Node's default (5 s) unless given. */
  { keepAliveTimeoutMs }: { keepAliveTimeoutMs?: number } = {},
) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handle({ headers: req.headers, path: req.url ?? '', body, at: Date.now() }, res));
  });
  if (keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = keepAliveTimeoutMs;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** A webhook receiver on loopback: records every request and answers as `respond` says. */
export async function startReceiver(respond: (req: Received, count: number, res: ServerResponse) => void = (_r, _c, res) => res.end('ok')) {
  const received: Received[] = [];
  const server = await serveOnLoopback((req, res) => {
    received.push(req);
    respond(req, received.length, res);
  });
  return { ...server, received };
}

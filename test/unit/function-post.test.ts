import { serveOnLoopback } from '../support/receiver';
import { postToFunction } from '../../src/functions/post';

describe('postToFunction: the POST a function call makes', () => {
  test('keeps its connection open between calls, reads at most 2 KiB, and follows no redirect', async () => {
    const connections = new Set<unknown>();
    const fn = await serveOnLoopback((req, res) => {
      if (req.path.endsWith('/long')) return res.end('x'.repeat(10_000));
      if (req.path.endsWith('/moved')) return res.writeHead(302, { location: '/hooks' }).end();
      res.end(req.body);
    });
    const server = fn.url.replace(/\/hooks$/, '');
    try {
      const tap = (url: string) => postToFunction(url, { 'content-type': 'application/json' }, '{"n":1}', 1000);
      expect(await tap(fn.url)).toEqual({ status: 200, body: '{"n":1}' });
      expect(await tap(`${server}/long`)).toEqual({ status: 200, body: 'x'.repeat(2048) });
      expect(await tap(`${server}/moved`)).toEqual({ status: 302, body: '' });
      const counting = await serveOnLoopback((_req, res) => {
        connections.add(res.socket);
        res.end('ok');
      });
      for (let i = 0; i < 3; i++) expect(await tap(counting.url)).toEqual({ status: 200, body: 'ok' });
      expect(connections.size).toBe(1);
      await counting.close();
    } finally {
      await fn.close();
    }
  });

  test('a kept-open connection that the server drops is retried once on a new one', async () => {
    const served = new Map<unknown, number>();
    const fn = await serveOnLoopback((_req, res) => {
      const count = (served.get(res.socket) ?? 0) + 1;
      served.set(res.socket, count);
      if (count === 2) return res.socket!.destroy();
      res.end(`answer ${served.size}`);
    });
    try {
      expect(await postToFunction(fn.url, {}, '{}', 1000)).toEqual({ status: 200, body: 'answer 1' });
      expect(await postToFunction(fn.url, {}, '{}', 1000)).toEqual({ status: 200, body: 'answer 2' });
    } finally {
      await fn.close();
    }
  });

  test('no answer in time, or no server, is an error and no status', async () => {
    const slow = await serveOnLoopback((_req, res) => setTimeout(() => res.end('late'), 500));
    try {
      expect(await postToFunction(slow.url, {}, '{}', 100)).toEqual({ status: null, error: 'timed out after 100 ms' });
    } finally {
      await slow.close();
    }
    expect(await postToFunction('http://127.0.0.1:9/fn', {}, '{}', 1000)).toMatchObject({ status: null, error: 'ECONNREFUSED' });
  });
});

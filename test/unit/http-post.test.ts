import { serveOnLoopback } from '../support/receiver';
import { httpPost } from '../../src/net/http-post';

const post = (url: string, timeoutMs = 1000, headers: Record<string, string> = {}) =>
  httpPost(url, { headers, body: '{"n":1}', timeoutMs, maxAnswerBytes: 2048 });
/** The answer without its headers. */
const seen = async (answer: ReturnType<typeof httpPost>) => {
  const a = await answer;
  return a.status === null ? a : { status: a.status, body: a.body };
};

describe('httpPost: the POST to signers, webhook receivers and functions', () => {
  test('keeps its connection open between calls, reads at most 2 KiB, and follows no redirect', async () => {
    const connections = new Set<unknown>();
    const fn = await serveOnLoopback((req, res) => {
      if (req.path.endsWith('/long')) return res.end('x'.repeat(10_000));
      if (req.path.endsWith('/moved')) return res.writeHead(302, { location: '/hooks' }).end();
      res.end(req.body);
    });
    const server = fn.url.replace(/\/hooks$/, '');
    try {
      const tap = (url: string) => seen(post(url, 1000, { 'content-type': 'application/json' }));
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
      expect(await seen(post(fn.url))).toEqual({ status: 200, body: 'answer 1' });
      expect(await seen(post(fn.url))).toEqual({ status: 200, body: 'answer 2' });
    } finally {
      await fn.close();
    }
  });

  test('answers the receiver\'s headers with its status (a webhook heeds Retry-After)', async () => {
    const busy = await serveOnLoopback((_req, res) => res.writeHead(503, { 'retry-after': '7' }).end('busy'));
    try {
      expect(await post(busy.url)).toMatchObject({ status: 503, body: 'busy', headers: { 'retry-after': '7' } });
    } finally {
      await busy.close();
    }
  });

  test('no answer in time, or no server, is an error and no status', async () => {
    const slow = await serveOnLoopback((_req, res) => setTimeout(() => res.end('late'), 500));
    try {
      expect(await post(slow.url, 100)).toEqual({ status: null, error: 'timed out after 100 ms' });
    } finally {
      await slow.close();
    }
    expect(await post('http://127.0.0.1:9/fn')).toEqual({ status: null, error: 'ECONNREFUSED' });
  });
});

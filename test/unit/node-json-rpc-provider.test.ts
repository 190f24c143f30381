import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Network } from 'ethers';
import { NodeJsonRpcProvider, rawRpc } from '../../src/chain/raw-rpc';

/** A node that answers from a table of methods, or with an HTTP status of its own. */
function fakeNode(answer: (method: string, params: unknown[]) => { status?: number; result?: unknown; error?: { code: number; message: string } }) {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const { id, method, params } = JSON.parse(body);
      const { status = 200, ...rest } = answer(method, params);
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) }).end(JSON.stringify({ jsonrpc: '2.0', id, ...rest }));
    });
  });
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  })));
}

describe('the JSON-RPC transport (node:http, Node JSON parsing)', () => {
  test("ethers' provider formats results and errors as it does with its own transport", async () => {
    const node = await fakeNode((method) => {
      if (method === 'eth_blockNumber') return { result: '0x2a' };
      if (method === 'eth_sendRawTransaction') return { error: { code: -32000, message: 'nonce too low' } };
      return { error: { code: -32601, message: `no ${method}` } };
    });
    const provider = new NodeJsonRpcProvider(node.url, 31337, { staticNetwork: Network.from(31337), batchMaxCount: 1, cacheTimeout: -1 });
    try {
      expect(await provider.getBlockNumber()).toBe(42);
      await expect(provider.broadcastTransaction('0x02')).rejects.toThrow(/nonce too low/);
    } finally {
      provider.destroy();
      await node.close();
    }
  });

  test('an HTTP error or an error answer is thrown; a result is given as the node sent it; a throttled call is asked again', async () => {
    let throttled = 0;
    const node = await fakeNode((method, params) => {
      if (method === 'eth_getLogs') return { result: [{ logIndex: '0x1', topics: params }] };
      if (method === 'down') return { status: 503 };
      if (method === 'busy') return throttled++ < 2 ? { status: 429 } : { result: 'at last' };
      if (method === 'always_busy') return { status: 429 };
      return { error: { code: -32601, message: 'method not found' } };
    });
    try {
      expect(await rawRpc(node.url, 'eth_getLogs', ['0xab'])).toEqual([{ logIndex: '0x1', topics: ['0xab'] }]);
      await expect(rawRpc(node.url, 'down', [])).rejects.toThrow('JSON-RPC: HTTP 503 from the node');
      await expect(rawRpc(node.url, 'eth_nothing', [])).rejects.toThrow('eth_nothing: method not found (-32601)');
      expect(await rawRpc(node.url, 'busy', [])).toBe('at last');
      expect(throttled).toBe(3);
      await expect(rawRpc(node.url, 'always_busy', [])).rejects.toThrow('JSON-RPC: HTTP 429 from the node');
      await node.close();
      await expect(rawRpc(node.url, 'eth_getLogs', [])).rejects.toThrow(/JSON-RPC to the node failed: ECONNREFUSED/);
    } finally {
      await node.close().catch(() => undefined);
    }
  });
});

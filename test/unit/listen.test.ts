import net, { type AddressInfo } from 'node:net';
import express from 'express';
import { listen } from '../../src/cli/listen';

describe('listen', () => {
  test('resolves with a server listening on the port', async () => {
    const server = await listen(express(), 0, '127.0.0.1');
    expect(server.listening).toBe(true);
    server.close();
  });

  test('a port in use rejects, naming the port, rather than resolving with a server that does not listen', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      await expect(listen(express(), port, '127.0.0.1')).rejects.toMatchObject({
        message: `port ${port} on 127.0.0.1 is already in use`, code: 'EADDRINUSE',
      });
    } finally {
      taken.close();
    }
  });
});

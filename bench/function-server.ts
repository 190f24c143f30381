import { serveOnLoopback } from '../test/support/receiver';

/**
 * The functions phase's function, as a process of its own (a function's service runs elsewhere, not on the
 * bench's event loop beside its RPC proxy and webhook receiver): answers every call 200 after FUNCTION_MS and
 * tells its parent its URL, then how long it held each call.
 */
async function main() {
  const functionMs = Number(process.env.FUNCTION_MS);
  const server = await serveOnLoopback((_req, res) => {
    const received = performance.now();
    setTimeout(() => {
      process.send!({ heldMs: performance.now() - received });
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    }, functionMs);
  });
  process.send!({ url: server.url });
  process.on('disconnect', () => server.close().then(() => process.exit(0)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

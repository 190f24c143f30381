/**
 * One JSON-RPC call answered through Node's own JSON parsing: ethers decodes a body byte by byte into a
 * string first, about 0.3 s of CPU for the 650 KB of a block's thousand logs, against a few ms here.
 */
export async function rawRpc<T>(rpcUrl: string, method: string, params: unknown[], timeoutMs = 30_000): Promise<T> {
  const res = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status} from the node`);
  const answer = (await res.json()) as { result?: T; error?: { code: number; message: string } };
  if (answer.error) throw new Error(`${method}: ${answer.error.message} (${answer.error.code})`);
  return answer.result as T;
}

import { JsonRpcProvider, type JsonRpcPayload, type JsonRpcResult } from 'ethers';
import { httpPost } from '../net/http-post';

/** A node's answer is read whole: a block's logs on a busy chain run to tens of megabytes. */
const MAX_ANSWER_BYTES = 512 * 1024 * 1024;

/** A node that throttles (429) is asked again, as ethers' own transport did, so a short throttle is no outage. */
const THROTTLED_ATTEMPTS = 6;

/**
 * One JSON-RPC exchange on the engine's kept-open connections, its answer parsed by Node's own JSON: ethers
 * decodes a body byte by byte into a string first, about 0.3 s of CPU for the 650 KB of a block's thousand
 * logs (or a 10,000-item batch's chunk receipts), against a few ms here.
 */
async function postJsonRpc(rpcUrl: string, payload: unknown, timeoutMs: number): Promise<unknown> {
  const body = JSON.stringify(payload);
  const deadline = performance.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const left = Math.round(deadline - performance.now());
    const answer = await httpPost(rpcUrl, { headers: { 'content-type': 'application/json' }, body, timeoutMs: Math.max(1, left), maxAnswerBytes: MAX_ANSWER_BYTES });
    if (answer.status === null) throw new Error(`JSON-RPC to the node failed: ${answer.error}`);
    const pauseMs = answer.status === 429 && attempt < THROTTLED_ATTEMPTS ? throttledPauseMs(answer.headers['retry-after'], attempt) : undefined;
    if (pauseMs !== undefined && pauseMs < deadline - performance.now()) {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      continue;
    }
    if (answer.status < 200 || answer.status >= 300) throw new Error(`JSON-RPC: HTTP ${answer.status} from the node`);
    return JSON.parse(answer.body);
  }
}

/** Its Retry-After in seconds when it gives one, else 100 ms slots backing off at random. */
function throttledPauseMs(retryAfter: string | string[] | undefined, attempt: number): number {
  const seconds = typeof retryAfter === 'string' && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  return seconds !== undefined ? seconds * 1000 : 100 * Math.ceil(Math.random() * 2 ** attempt);
}

/** One JSON-RPC call, its result as the node gave it (no ethers formatting). */
export async function rawRpc<T>(rpcUrl: string, method: string, params: unknown[], timeoutMs = 30_000): Promise<T> {
  const answer = (await postJsonRpc(rpcUrl, { jsonrpc: '2.0', id: 1, method, params }, timeoutMs)) as { result?: T; error?: { code: number; message: string } };
  if (answer.error) throw new Error(`${method}: ${answer.error.message} (${answer.error.code})`);
  return answer.result as T;
}

/** ethers' provider with its transport replaced by postJsonRpc; the rest (formatting, errors, caching) is ethers'. */
export class NodeJsonRpcProvider extends JsonRpcProvider {
  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const connection = this._getConnection();
    const answer = await postJsonRpc(connection.url, payload, connection.timeout);
    return (Array.isArray(answer) ? answer : [answer]) as JsonRpcResult[];
  }
}

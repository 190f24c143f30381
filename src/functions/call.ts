import { randomUUID } from 'node:crypto';
import { postSigned } from '../signing/signed-post';
import type { FunctionPhase } from '../store/functions';
import { urlRefusal } from '../webhooks/url-policy';

/** A function's answer is read up to this many bytes, as a webhook receiver's is. */
const MAX_ANSWER_BYTES = 2048;

/** What the engine tells a function: the call of the API it runs around, and (post) the API's own answer. */
export interface FunctionCall {
  method: string;
  route: string;
  path: string;
  params: Record<string, string>;
  body: unknown;
  projectId: string;
  response?: { status: number; body: unknown };
}

/** How one function answered: its HTTP status and body, or why there was none (`status` null). */
export interface FunctionOutcome {
  id: string;
  url: string;
  status: number | null;
  body?: unknown;
  error?: string;
  durationMs: number;
}

const parsed = (text: string | null): unknown => {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * Calls a function with a Standard-Webhooks-signed POST (the same signing as webhook deliveries; the
 * `webhook-id` is new for every call) on a kept-open connection. The URL is checked against the SSRF policy again at every call, as
 * webhook URLs are at every send.
 */
export async function callFunction(
  fn: { id: string; url: string; phase: FunctionPhase; timeoutMs: number; secret: string },
  call: FunctionCall,
  allowPrivateUrls: boolean,
): Promise<FunctionOutcome> {
  const started = performance.now();
  const refusal = await urlRefusal(fn.url, allowPrivateUrls);
  if (refusal) return { id: fn.id, url: fn.url, status: null, error: `url refused: ${refusal}`, durationMs: Math.round(performance.now() - started) };
  const messageId = `fncall_${randomUUID()}`;
  const body = JSON.stringify({ id: messageId, type: `function.${fn.phase}`, functionId: fn.id, timestamp: Date.now(), ...call });
  const sent = await postSigned({
    url: fn.url, secrets: [fn.secret], messageId, body, timeoutMs: fn.timeoutMs, maxAnswerBytes: MAX_ANSWER_BYTES,
    headers: { 'user-agent': 'nft-action-engine-functions/1' },
  });
  const durationMs = Math.round(performance.now() - started);
  return sent.status === null
    ? { id: fn.id, url: fn.url, status: null, error: sent.error, durationMs }
    : { id: fn.id, url: fn.url, status: sent.status, body: parsed(sent.body), durationMs };
}

export const succeeded = (o: FunctionOutcome) => o.status !== null && o.status >= 200 && o.status < 300;

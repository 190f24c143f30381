import { httpPost } from '../net/http-post';
import { postSigned } from '../signing/signed-post';
import type { EndpointAuth } from '../store/webhooks';
import { tokenviewSignature, type EndpointFormat } from './tokenview';

export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  responseBody: string | null;
  error: string | null;
  /** How long the receiver asked to be left alone (Retry-After on a 429 or 503), if it did. */
  retryAfterMs: number | null;
}

const MAX_ANSWER_BYTES = 2048;
/** A receiver's Retry-After is heeded up to this long; beyond it the retry schedule decides. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** Retry-After in seconds or as an HTTP date, from a receiver that is overloaded (429) or down for a while (503). */
function retryAfterMs(status: number, header: string | undefined): number | null {
  const value = header?.trim();
  if ((status !== 429 && status !== 503) || !value) return null;
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : null;
}

function authHeaders(auth: EndpointAuth): Record<string, string> {
  if (auth.type === 'basic') return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
  if (auth.type === 'header') return { [auth.name]: auth.value };
  return {};
}

/** Tokenview's POST: its signature of the raw body with the current secret, no Standard Webhooks headers. */
function postTokenview(post: { url: string; secrets: string[]; body: string; timeoutMs: number; headers: Record<string, string> }) {
  return httpPost(post.url, {
    headers: { ...post.headers, 'content-type': 'application/json;charset=UTF-8', 'x-tokenview-signature': tokenviewSignature(post.secrets[0], post.body) },
    body: post.body, timeoutMs: post.timeoutMs, maxAnswerBytes: MAX_ANSWER_BYTES,
  });
}

/** Why an answer is not a delivery (null: it is): any 2xx, or for Tokenview a 200 with a non-empty body, as its receivers answer. */
function refusalOf(format: EndpointFormat, status: number, body: string): string | null {
  if (format === 'tokenview') return status !== 200 ? `HTTP ${status}` : body.trim() === '' ? 'HTTP 200 with an empty body (Tokenview expects text such as "ok")' : null;
  return status >= 200 && status < 300 ? null : `HTTP ${status}`;
}

/**
 * One delivery attempt: POST the event signed with the Standard Webhooks scheme (the webhook-id is the
 * event id, the same on every attempt), or Tokenview's body and signature. No redirects are followed; the
 * response body is read up to a bound.
 */
export async function sendWebhook(opts: {
  url: string; secrets: string[]; auth: EndpointAuth; messageId: string; body: string; timeoutMs: number; format?: EndpointFormat;
}): Promise<SendResult> {
  const started = performance.now();
  const { auth, format = 'standard', ...post } = opts;
  const headers = { ...authHeaders(auth), 'user-agent': 'nft-action-engine-webhooks/1' };
  const answer = format === 'tokenview' ? await postTokenview({ ...post, headers }) : await postSigned({ ...post, headers, maxAnswerBytes: MAX_ANSWER_BYTES });
  const latencyMs = Math.round(performance.now() - started);
  if (answer.status === null) return { statusCode: null, latencyMs, responseBody: null, error: answer.error, retryAfterMs: null };
  return {
    statusCode: answer.status, latencyMs, responseBody: answer.body, error: refusalOf(format, answer.status, answer.body),
    retryAfterMs: retryAfterMs(answer.status, answer.headers['retry-after']),
  };
}

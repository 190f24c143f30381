import { Webhook } from 'standardwebhooks';
import { httpPost, type PostAnswer } from '../net/http-post';

export interface SignedPost {
  url: string;
  /** One signature each: a rotated-out secret signs beside its successor. */
  secrets: string[];
  /** The `webhook-id` the signature covers. */
  messageId: string;
  body: string;
  timeoutMs: number;
  /** Sent as well; the content type and signature headers take precedence. */
  headers?: Record<string, string>;
  /** The answer is read up to this many bytes. */
  maxAnswerBytes: number;
}

/**
 * POSTs a JSON body signed with the Standard Webhooks scheme on a kept-open connection, following no
 * redirects. It signs before it returns, so a secret that cannot sign throws at the call; an answer with a
 * null status says why none came.
 */
export function postSigned(post: SignedPost): Promise<PostAnswer> {
  return httpPost(post.url, { headers: signedHeaders(post), body: post.body, timeoutMs: post.timeoutMs, maxAnswerBytes: post.maxAnswerBytes });
}

/** The headers of a signed POST: the given ones, then the content type and the Standard Webhooks signature. */
export function signedHeaders(post: Pick<SignedPost, 'secrets' | 'messageId' | 'body' | 'headers'>): Record<string, string> {
  const timestamp = new Date();
  const signature = post.secrets.map((secret) => new Webhook(secret).sign(post.messageId, timestamp, post.body)).join(' ');
  return {
    ...post.headers,
    'content-type': 'application/json',
    'webhook-id': post.messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

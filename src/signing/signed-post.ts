import { Webhook } from 'standardwebhooks';

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
}

/**
 * POSTs a JSON body signed with the Standard Webhooks scheme, following no redirects. It signs before it
 * returns, so a secret that cannot sign throws at the call; the promise rejects when no answer came.
 */
export function postSigned(post: SignedPost): Promise<Response> {
  return fetch(post.url, { method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(post.timeoutMs), headers: signedHeaders(post), body: post.body });
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

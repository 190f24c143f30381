import type { SecretBox } from '../secrets/secret-box';
import { signingSecrets, type DeliveryRow, type EndpointAuth, type EndpointRow } from '../store/webhooks';
import { sendWebhook, type SendResult } from './send';
import { bodyFor } from './tokenview';
import { urlRefusal } from './url-policy';

/** One attempt to deliver to an endpoint, its URL checked again at send time (DNS may have changed). */
export async function attemptDelivery(
  endpoint: EndpointRow,
  delivery: Pick<DeliveryRow, 'event_id' | 'payload'>,
  secrets: SecretBox,
  settings: { timeoutMs: number; allowPrivateUrls: boolean },
): Promise<SendResult> {
  const refusal = await urlRefusal(endpoint.url, settings.allowPrivateUrls);
  if (refusal) return { statusCode: null, latencyMs: 0, responseBody: null, error: `URL refused: ${refusal}`, retryAfterMs: null };
  return sendWebhook({
    url: endpoint.url,
    secrets: signingSecrets(endpoint).map((sealed) => secrets.open(sealed)),
    auth: endpoint.auth_sealed ? (JSON.parse(secrets.open(endpoint.auth_sealed)) as EndpointAuth) : { type: 'none' },
    messageId: delivery.event_id,
    body: bodyFor(endpoint.format, delivery.payload),
    timeoutMs: settings.timeoutMs,
    format: endpoint.format,
  });
}

/** What an attempt says: an answer the endpoint's format counts as received delivered it, a 410 Gone retires the endpoint, anything else failed. */
export function attemptOutcome(result: SendResult): 'succeeded' | 'gone' | 'failed' {
  if (result.statusCode !== null && result.error === null) return 'succeeded';
  return result.statusCode === 410 ? 'gone' : 'failed';
}

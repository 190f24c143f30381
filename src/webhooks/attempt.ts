import type { SecretBox } from '../secrets/secret-box';
import { signingSecrets, type DeliveryRow, type EndpointAuth, type EndpointRow } from '../store/webhooks';
import { sendWebhook, type SendResult } from './send';
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
    body: JSON.stringify(delivery.payload),
    timeoutMs: settings.timeoutMs,
  });
}

/** What an attempt says: a 2xx delivered it, a 410 Gone retires the endpoint, anything else failed. */
export function attemptOutcome(result: SendResult): 'succeeded' | 'gone' | 'failed' {
  if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300) return 'succeeded';
  return result.statusCode === 410 ? 'gone' : 'failed';
}

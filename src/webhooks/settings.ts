import type { WebhookSettings } from '../activities/deps';
import type { Config } from '../config';

export const webhookSettings = (config: Config): WebhookSettings => ({
  timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  retryScheduleMs: config.WEBHOOK_RETRY_SCHEDULE,
  allowPrivateUrls: config.WEBHOOK_ALLOW_PRIVATE_URLS ?? false,
  disableAfterMs: config.WEBHOOK_DISABLE_AFTER,
  secretGraceMs: config.WEBHOOK_SECRET_GRACE,
});

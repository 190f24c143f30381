import type { Config } from '../config';

export interface WebhookSettings {
  timeoutMs: number;
  retryScheduleMs: number[];
  allowPrivateUrls: boolean;
  /** An endpoint failing without a success for this long is disabled. */
  disableAfterMs: number;
  /** How long a rotated-out signing secret keeps signing beside the new one. */
  secretGraceMs: number;
}

export const webhookSettings = (config: Config): WebhookSettings => ({
  timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  retryScheduleMs: config.WEBHOOK_RETRY_SCHEDULE,
  allowPrivateUrls: config.WEBHOOK_ALLOW_PRIVATE_URLS ?? false,
  disableAfterMs: config.WEBHOOK_DISABLE_AFTER,
  secretGraceMs: config.WEBHOOK_SECRET_GRACE,
});

/** Webhook deliveries get a task queue of their own beside the action queue. */
export const webhookTaskQueue = (actionTaskQueue: string) => `${actionTaskQueue}-webhooks`;

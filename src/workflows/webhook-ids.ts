/** A delivery's first run, or a replay's run starting at a later attempt number. */
export const deliveryWorkflowId = (deliveryId: string, firstAttempt = 1) =>
  firstAttempt === 1 ? `webhook-${deliveryId}` : `webhook-${deliveryId}-from-${firstAttempt}`;

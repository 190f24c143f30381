export const deliveryWorkflowId = (deliveryId: string, run = 0) => (run === 0 ? `webhook-${deliveryId}` : `webhook-${deliveryId}-replay-${run}`);

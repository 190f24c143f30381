export { actionWorkflow } from './action';
export { webhookDeliveryWorkflow } from './webhook-delivery';

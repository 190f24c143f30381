export { actionWorkflow } from './action';
export { batchMintWorkflow } from './batch-mint';
export { webhookDeliveryWorkflow } from './webhook-delivery';

export { actionWorkflow } from './action';
export { actionWorkflowV2 } from './action-v2';
export { batchMintWorkflow } from './batch-mint';
export { webhookDeliveryWorkflow } from './webhook-delivery';

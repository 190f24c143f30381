export const actionWorkflowId = (actionId: string) => `action-${actionId}`;

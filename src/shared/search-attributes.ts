import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ActionTypeKey = defineSearchAttributeKey('ActionType', SearchAttributeType.KEYWORD);
export const ActionStatusKey = defineSearchAttributeKey('ActionStatus', SearchAttributeType.KEYWORD);
export const ProjectIdKey = defineSearchAttributeKey('ProjectId', SearchAttributeType.KEYWORD);
export const ChainIdKey = defineSearchAttributeKey('ChainId', SearchAttributeType.INT);

export const SEARCH_ATTRIBUTES = [ActionTypeKey, ActionStatusKey, ProjectIdKey, ChainIdKey];

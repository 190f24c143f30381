import type { NewDelivery, OutboxEvent } from '../store/dispatch';
import type { EndpointRow } from '../store/webhooks';
import { ACTION_EVENT_TYPE_NAMES } from './event-types';
import { deliveryIdFor } from './ids';
import { ENDPOINT_DISABLED, isOperational } from './operational-events';

const ACTION_EVENTS = new Set(ACTION_EVENT_TYPE_NAMES);

/**
 * Whether an endpoint subscribes to the event: its event types (none = every action event; chain,
 * application and operational events go only to endpoints that name them) and its collection and chain filters (a Tokenview
 * endpoint gets no `removed: true` re-sends). Operational
 * events ignore the filters, and an endpoint is never told of its own disabling.
 */
export function endpointWants(endpoint: EndpointRow, event: Pick<OutboxEvent, 'type' | 'collection_id' | 'chain' | 'payload'>): boolean {
  if (isOperational(event.type)) {
    return endpoint.event_types.includes(event.type)
      && !(event.type === ENDPOINT_DISABLED && (event.payload.data as { endpointId?: string }).endpointId === endpoint.id);
  }
  const named = endpoint.event_types.includes(event.type);
  // Tokenview's body has no way to say a reorg took a transfer back: such a re-send would read as a transfer.
  if (endpoint.format === 'tokenview' && event.payload.removed === true) return false;
  return (named || (endpoint.event_types.length === 0 && ACTION_EVENTS.has(event.type)))
    && (endpoint.filter_collection_id === null || endpoint.filter_collection_id === event.collection_id)
    && (endpoint.filter_chain === null || endpoint.filter_chain === event.chain);
}

/** One delivery per endpoint that wants the event; a paused endpoint's is recorded as skipped, for a later replay. */
export function planDeliveries(event: OutboxEvent, endpoints: EndpointRow[]): NewDelivery[] {
  return endpoints.filter((endpoint) => endpointWants(endpoint, event)).map((endpoint) => ({
    id: deliveryIdFor(event.id, endpoint.id),
    project_id: event.project_id,
    endpoint_id: endpoint.id,
    event_id: event.id,
    event_type: event.type,
    payload: event.payload,
    status: endpoint.status === 'paused' ? 'skipped' : 'pending',
  }));
}

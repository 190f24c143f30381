import type { NewDelivery, OutboxEvent } from '../store/dispatch';
import type { EndpointRow } from '../store/webhooks';
import { deliveryIdFor } from './ids';

/** Whether an endpoint subscribes to the event: its event types (none = all) and its collection and chain filters. */
export function endpointWants(endpoint: EndpointRow, event: Pick<OutboxEvent, 'type' | 'collection_id' | 'chain'>): boolean {
  return (endpoint.event_types.length === 0 || endpoint.event_types.includes(event.type))
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

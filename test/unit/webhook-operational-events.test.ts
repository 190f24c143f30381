import type { OutboxEvent } from '../../src/store/dispatch';
import type { EndpointRow } from '../../src/store/webhooks';
import { attemptExhaustedEvent, endpointDisabledEvent } from '../../src/webhooks/operational-events';
import { planDeliveries } from '../../src/webhooks/plan-deliveries';

const endpoint = (id: string, eventTypes: string[], extra: Partial<EndpointRow> = {}) => ({
  id, project_id: 'p1', event_types: eventTypes, filter_collection_id: null, filter_chain: null, status: 'active', ...extra,
}) as EndpointRow;

const delivery = { id: 'dlv_1', project_id: 'p1', endpoint_id: 'e1', event_id: 'evt_a', event_type: 'nfts.create.succeeded' };
const exhausted = attemptExhaustedEvent(delivery, { attempt: 8, startedAt: new Date('2026-01-01T00:00:00Z'), statusCode: null })!;
const disabled = endpointDisabledEvent({ id: 'e1', project_id: 'p1', failing_since: new Date('2025-12-27T00:00:00Z'), updated_at: new Date('2026-01-01T00:00:00Z') });
const asOutbox = (e: typeof exhausted): OutboxEvent => ({ ...e, collection_id: null, chain: null });

describe('operational webhook events', () => {
  test("message.attempt.exhausted has Svix's shape; a status-less last attempt is 0; the same exhaustion is the same event", () => {
    expect(exhausted.payload).toEqual({
      id: exhausted.id, type: 'message.attempt.exhausted', timestamp: expect.any(Number),
      data: { appId: 'p1', endpointId: 'e1', msgId: 'evt_a', lastAttempt: { id: 'dlv_1.8', responseStatusCode: 0, timestamp: '2026-01-01T00:00:00.000Z' } },
    });
    expect(attemptExhaustedEvent(delivery, { attempt: 8, startedAt: new Date(), statusCode: 500 })!.id).toBe(exhausted.id);
    expect(attemptExhaustedEvent(delivery, { attempt: 9, startedAt: new Date(), statusCode: 500 })!.id).not.toBe(exhausted.id);
  });

  test('a delivery of an operational event that exhausts makes no event', () => {
    for (const type of ['message.attempt.exhausted', 'endpoint.disabled']) {
      expect(attemptExhaustedEvent({ ...delivery, event_type: type }, { attempt: 4, startedAt: new Date(), statusCode: 500 })).toBeUndefined();
    }
  });

  test("endpoint.disabled has Svix's shape", () => {
    expect(disabled.payload).toEqual({
      id: disabled.id, type: 'endpoint.disabled', timestamp: expect.any(Number),
      data: { appId: 'p1', endpointId: 'e1', failSince: '2025-12-27T00:00:00.000Z', trigger: 'automatic' },
    });
  });

  test('operational events go to the endpoints naming them, whatever their filters, and never to the endpoint disabled', () => {
    const endpoints = [
      endpoint('e1', ['endpoint.disabled', 'message.attempt.exhausted']),
      endpoint('e2', []),
      endpoint('e3', ['endpoint.disabled'], { filter_collection_id: 'c1', filter_chain: 'anvil' }),
      endpoint('e4', ['message.attempt.exhausted'], { status: 'paused' }),
    ];
    const to = (event: OutboxEvent) => planDeliveries(event, endpoints).map((d) => [d.endpoint_id, d.status]);
    expect(to(asOutbox(disabled))).toEqual([['e3', 'pending']]);
    expect(to(asOutbox(exhausted))).toEqual([['e1', 'pending'], ['e4', 'skipped']]);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { Queryable } from '../../db/database';
import type { SecretBox } from '../../secrets/secret-box';
import {
  deleteEndpoint, deliveriesPerHour, undeliveredSince, findDelivery, findEndpoint, insertDelivery, insertEndpoint, listDeliveries, listEndpoints, reopenDelivery,
  rotateEndpointSecret, setEndpointStatus, updateEndpoint, type EndpointRow,
} from '../../store/webhooks';
import type { DeliveryStarter } from '../../temporal/start-delivery';
import { deliveryIdFor } from '../../webhooks/ids';
import { CATALOGUE, EVENT_TYPE_NAMES } from '../../webhooks/event-types';
import { bodyFor, TOKENVIEW_EVENT_TYPES } from '../../webhooks/tokenview';
import { urlRefusal } from '../../webhooks/url-policy';
import type { WebhookSettings } from '../../webhooks/settings';
import { projectOf } from '../auth';
import { fieldProblem, notFound, parseInput as parse, Problem } from '../problem';
import { idParam } from '../schemas';

const auth = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('basic'), username: z.string().min(1).max(200).regex(/^[^:]*$/, 'must not contain ":"'), password: z.string().min(1).max(500) }),
  z.strictObject({
    type: z.literal('header'),
    name: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'an HTTP header name')
      .refine((n) => !/^(webhook-|content-|host$|user-agent$)/i.test(n), 'must not be a header the engine sets'),
    value: z.string().min(1).max(2000).regex(/^[\x20-\x7e]+$/, 'printable ASCII'),
  }),
]);

/** standard: the engine's events with Standard Webhooks signatures; tokenview: Tokenview's transfer body and signature. */
const format = z.enum(['standard', 'tokenview']);

export const createEndpointBody = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  format: format.default('standard'),
  description: z.string().max(500).default(''),
  eventTypes: z.array(z.enum(EVENT_TYPE_NAMES as [string, ...string[]])).max(EVENT_TYPE_NAMES.length).default([]),
  filters: z.strictObject({ collectionId: z.uuid().optional(), chain: z.string().min(1).optional() }).default({}),
  auth: auth.default({ type: 'none' }),
  ordered: z.boolean().default(false),
});

export const updateEndpointBody = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).optional(),
  format: format.optional(),
  description: z.string().max(500).optional(),
  eventTypes: z.array(z.enum(EVENT_TYPE_NAMES as [string, ...string[]])).max(EVENT_TYPE_NAMES.length).optional(),
  filters: z.strictObject({ collectionId: z.uuid().nullable().optional(), chain: z.string().min(1).nullable().optional() }).optional(),
  auth: auth.optional(),
  ordered: z.boolean().optional(),
});

export const testEventBody = z.strictObject({ eventType: z.enum(EVENT_TYPE_NAMES as [string, ...string[]]).optional() }).default({});
export const replayBody = z.strictObject({ since: z.iso.datetime({ offset: true }) });
/** A week at most, hour by hour. */
export const successRateQuery = z.strictObject({ hours: z.coerce.number().int().min(1).max(168).default(24) });
export const deliveryIdParam = z.string().regex(/^dlv_[0-9a-f]{32}$/, 'a delivery id');

export const deliveriesQuery = z.strictObject({
  endpointId: z.uuid().optional(),
  eventId: z.string().regex(/^evt_[A-Za-z0-9_-]{1,100}$/, 'an event id').optional(),
  actionId: z.uuid().optional(),
  eventType: z.enum(EVENT_TYPE_NAMES as [string, ...string[]]).optional(),
  status: z.enum(['pending', 'succeeded', 'failed', 'skipped']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

/** An endpoint as the API shows it: never its signing secret or the receiver's password or header value. */
function presentEndpoint(e: EndpointRow, secrets: SecretBox) {
  const authInfo = e.auth_sealed ? JSON.parse(secrets.open(e.auth_sealed)) : { type: 'none' };
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    format: e.format,
    eventTypes: e.event_types,
    filters: { collectionId: e.filter_collection_id ?? undefined, chain: e.filter_chain ?? undefined },
    auth: authInfo.type === 'basic' ? { type: 'basic', username: authInfo.username } : authInfo.type === 'header' ? { type: 'header', name: authInfo.name } : { type: 'none' },
    ordered: e.ordered,
    status: e.status,
    disabledReason: e.disabled_reason,
    previousSecretExpiresAt: e.previous_secret_expires_at && new Date(e.previous_secret_expires_at) > new Date() ? new Date(e.previous_secret_expires_at).toISOString() : null,
    failingSince: e.failing_since ? new Date(e.failing_since).toISOString() : null,
    createdAt: new Date(e.created_at).toISOString(),
  };
}

export interface WebhookRoutesDeps {
  db: Queryable;
  secrets: SecretBox;
  webhooks: WebhookSettings;
  startDelivery: DeliveryStarter;
  /** A webhook dispatcher in this process, if any: test deliveries go out at once instead of at its next poll. */
  wakeDispatcher?: () => void;
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** Tokenview's body describes a transfer: its endpoints name transfer events, and only those. */
function checkFormat(format: 'standard' | 'tokenview', eventTypes: string[], field = 'body.eventTypes') {
  if (format !== 'tokenview') return;
  const others = eventTypes.filter((t) => !TOKENVIEW_EVENT_TYPES.includes(t));
  if (eventTypes.length > 0 && others.length === 0) return;
  throw fieldProblem([{
    field,
    message: `a tokenview endpoint names transfer events only, at least one of ${TOKENVIEW_EVENT_TYPES.join(', ')}${others.length ? `; not ${others.join(', ')}` : ''}`,
  }]);
}

export function webhookRoutes({ db, secrets, webhooks: settings, startDelivery, wakeDispatcher }: WebhookRoutesDeps): Router {
  const router = Router();
  const checkUrl = async (url: string) => {
    const refusal = await urlRefusal(url, settings.allowPrivateUrls);
    if (refusal) throw fieldProblem([{ field: 'body.url', message: refusal }]);
  };
  const replay = async (delivery: { id: string }) => {
    const firstAttempt = await reopenDelivery(db, delivery.id);
    if (firstAttempt !== undefined) await startDelivery(delivery.id, firstAttempt);
    return firstAttempt !== undefined;
  };

  const endpointOf = async (projectId: string, rawId: unknown) => {
    const id = parse(idParam, rawId, 'path.endpointId');
    const endpoint = await findEndpoint(db, projectId, id);
    if (!endpoint) throw notFound('webhook endpoint', id);
    return endpoint;
  };

  router.get('/event-types', (_req, res) => {
    res.json({ data: CATALOGUE });
  });

  /** The delivery history; `url`, `request` (the body as sent), `tryTimes`, `statusCode`, `response` and `total` as Tokenview's has them. */
  router.get('/deliveries', async (req, res) => {
    const { rows, total } = await listDeliveries(db, projectOf(res).id, parse(deliveriesQuery, req.query, 'query'));
    res.json({
      total,
      data: rows.map((d) => ({
        id: d.id, endpointId: d.endpoint_id, eventId: d.event_id, eventType: d.event_type, status: d.status, attempts: d.attempts,
        lastStatusCode: d.last_status_code, lastError: d.last_error, createdAt: new Date(d.created_at).toISOString(),
        url: d.endpoint_url, request: bodyFor(d.endpoint_format, d.payload), tryTimes: Math.max(d.attempts - 1, 0),
        statusCode: d.last_status_code, response: d.history.at(-1)?.response_body ?? null,
        history: d.history.map((a) => ({
          attempt: a.attempt, startedAt: new Date(a.started_at).toISOString(), statusCode: a.status_code, latencyMs: a.latency_ms,
          responseBody: a.response_body, error: a.error,
        })),
      })),
    });
  });

  router.post('/deliveries/:deliveryId/replay', async (req, res) => {
    const id = parse(deliveryIdParam, req.params.deliveryId, 'path.deliveryId');
    const delivery = await findDelivery(db, projectOf(res).id, id);
    if (!delivery) throw notFound('delivery', id);
    if (delivery.endpoint_status === 'deleted') throw new Problem(409, 'endpoint_deleted', "The delivery's endpoint was deleted");
    if (!(await replay(delivery))) throw new Problem(409, 'delivery_in_progress', 'The delivery is still being attempted');
    res.status(202).json({ replayed: [delivery.id] });
  });

  router.post('/', async (req, res) => {
    const body = parse(createEndpointBody, req.body);
    checkFormat(body.format, body.eventTypes);
    await checkUrl(body.url);
    const secret = newSecret();
    const endpoint = await insertEndpoint(db, {
      id: randomUUID(), project_id: projectOf(res).id, url: body.url, description: body.description, event_types: body.eventTypes,
      filter_collection_id: body.filters.collectionId ?? null, filter_chain: body.filters.chain ?? null, auth_type: body.auth.type,
      auth_sealed: body.auth.type === 'none' ? null : secrets.seal(JSON.stringify(body.auth)), secret_sealed: secrets.seal(secret), format: body.format,
      ordered: body.ordered,
    });
    // The signing secret is shown here, once.
    res.status(201).json({ ...presentEndpoint(endpoint, secrets), secret });
  });

  router.get('/', async (_req, res) => {
    res.json({ data: (await listEndpoints(db, projectOf(res).id)).map((e) => presentEndpoint(e, secrets)) });
  });

  /** The share of the endpoint's finished deliveries that succeeded, per hour (the console's sparkline). */
  router.get('/:endpointId/success-rate', async (req, res) => {
    const endpoint = await endpointOf(projectOf(res).id, req.params.endpointId);
    const { hours } = parse(successRateQuery, req.query, 'query');
    const since = new Date(Date.now() - hours * 3_600_000);
    const rows = await deliveriesPerHour(db, endpoint.id, since);
    res.json({
      since: since.toISOString(),
      data: rows.map((r) => ({ hour: new Date(r.hour).toISOString(), succeeded: r.succeeded, failed: r.failed, rate: r.succeeded / (r.succeeded + r.failed) })),
    });
  });

  router.get('/:endpointId', async (req, res) => {
    res.json(presentEndpoint(await endpointOf(projectOf(res).id, req.params.endpointId), secrets));
  });

  router.patch('/:endpointId', async (req, res) => {
    const endpoint = await endpointOf(projectOf(res).id, req.params.endpointId);
    const body = parse(updateEndpointBody, req.body);
    checkFormat(body.format ?? endpoint.format, body.eventTypes ?? endpoint.event_types);
    if (body.url) await checkUrl(body.url);
    const updated = await updateEndpoint(db, endpoint.id, {
      url: body.url,
      format: body.format,
      description: body.description,
      event_types: body.eventTypes,
      filter_collection_id: body.filters?.collectionId,
      filter_chain: body.filters?.chain,
      auth_type: body.auth?.type,
      auth_sealed: body.auth ? (body.auth.type === 'none' ? null : secrets.seal(JSON.stringify(body.auth))) : undefined,
      ordered: body.ordered,
    });
    res.json(presentEndpoint(updated, secrets));
  });

  router.post('/:endpointId/rotate-secret', async (req, res) => {
    const endpoint = await endpointOf(projectOf(res).id, req.params.endpointId);
    const secret = newSecret();
    const rotated = await rotateEndpointSecret(db, endpoint.id, secrets.seal(secret), settings.secretGraceMs);
    // The new secret is shown here, once; the old one signs beside it until previousSecretExpiresAt.
    res.json({ ...presentEndpoint(rotated, secrets), secret, previousSecretExpiresAt: new Date(rotated.previous_secret_expires_at!).toISOString() });
  });

  router.post('/:endpointId/test', async (req, res) => {
    const endpoint = await endpointOf(projectOf(res).id, req.params.endpointId);
    const { eventType } = parse(testEventBody, req.body ?? {});
    const type = eventType ?? endpoint.event_types[0] ?? 'nfts.create.succeeded';
    checkFormat(endpoint.format, [type], 'body.eventType');
    const example = CATALOGUE.find((e) => e.type === type)!.example;
    const event = { ...example, id: `evt_test_${randomUUID()}`, test: true, timestamp: Date.now() };
    const deliveryId = deliveryIdFor(event.id, endpoint.id);
    await insertDelivery(db, { id: deliveryId, project_id: endpoint.project_id, endpoint_id: endpoint.id, event_id: event.id, event_type: type, payload: event });
    wakeDispatcher?.();
    res.status(202).json({ deliveryId, eventId: event.id, eventType: type });
  });

  router.post('/:endpointId/replay', async (req, res) => {
    const endpoint = await endpointOf(projectOf(res).id, req.params.endpointId);
    const { since } = parse(replayBody, req.body);
    const replayed: string[] = [];
    for (const delivery of await undeliveredSince(db, endpoint.id, new Date(since))) {
      if (await replay(delivery)) replayed.push(delivery.id);
    }
    res.status(202).json({ replayed });
  });

  router.delete('/:endpointId', async (req, res) => {
    const endpoint = await endpointOf(projectOf(res).id, req.params.endpointId);
    await deleteEndpoint(db, endpoint.project_id, endpoint.id);
    res.status(204).end();
  });

  router.post('/:endpointId/pause', async (req, res) => {
    const endpoint = await endpointOf(projectOf(res).id, req.params.endpointId);
    res.json(presentEndpoint((await setEndpointStatus(db, endpoint.project_id, endpoint.id, 'paused'))!, secrets));
  });

  router.post('/:endpointId/resume', async (req, res) => {
    const endpoint = await endpointOf(projectOf(res).id, req.params.endpointId);
    res.json(presentEndpoint((await setEndpointStatus(db, endpoint.project_id, endpoint.id, 'active'))!, secrets));
  });

  return router;
}

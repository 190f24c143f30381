import type { Queryable } from '../db/database';

/** A deleted endpoint is kept, for its delivery history, but is no longer shown, changed or sent to. */
export type EndpointStatus = 'active' | 'paused' | 'disabled' | 'deleted';
export type EndpointAuth = { type: 'none' } | { type: 'basic'; username: string; password: string } | { type: 'header'; name: string; value: string };

export interface EndpointRow {
  id: string;
  project_id: string;
  url: string;
  description: string;
  event_types: string[];
  filter_collection_id: string | null;
  filter_chain: string | null;
  auth_type: EndpointAuth['type'];
  auth_sealed: string | null;
  /** standard: the engine's events, Standard Webhooks signatures; tokenview: Tokenview's transfer body and signature. */
  format: 'standard' | 'tokenview';
  /** First attempts one at a time in the order of the events; otherwise a few at once (started in that order). */
  ordered: boolean;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  status: EndpointStatus;
  disabled_reason: string | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The endpoints that take events of the projects `projects` names (a SQL expression): a paused one's are recorded as skipped. */
export const endpointsTakingEventsOf = (projects: string) =>
  `SELECT * FROM webhook_endpoints WHERE project_id = ${projects} AND status IN ('active', 'paused') ORDER BY id`;

export interface DeliveryRow {
  id: string;
  project_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'succeeded' | 'failed' | 'skipped';
  /** Order of recording: first attempts go out in it. */
  seq: number;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  started_at: Date;
  status_code: number | null;
  latency_ms: number;
  response_body: string | null;
  error: string | null;
}

export async function insertEndpoint(
  db: Queryable,
  e: Pick<EndpointRow, 'id' | 'project_id' | 'url' | 'description' | 'event_types' | 'filter_collection_id' | 'filter_chain' | 'auth_type' | 'auth_sealed' | 'secret_sealed' | 'format' | 'ordered'>,
): Promise<EndpointRow> {
  const [row] = await db.query<EndpointRow>(
    `INSERT INTO webhook_endpoints (id, project_id, url, description, event_types, filter_collection_id, filter_chain, auth_type, auth_sealed, secret_sealed, format, ordered, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'active') RETURNING *`,
    [e.id, e.project_id, e.url, e.description, e.event_types, e.filter_collection_id, e.filter_chain, e.auth_type, e.auth_sealed, e.secret_sealed, e.format, e.ordered],
  );
  return row;
}

export async function findEndpoint(db: Queryable, projectId: string, id: string): Promise<EndpointRow | undefined> {
  const [row] = await db.query<EndpointRow>(`SELECT * FROM webhook_endpoints WHERE id = $1 AND project_id = $2 AND status <> 'deleted'`, [id, projectId]);
  return row;
}

export async function getEndpoint(db: Queryable, id: string): Promise<EndpointRow | undefined> {
  const [row] = await db.query<EndpointRow>('SELECT * FROM webhook_endpoints WHERE id = $1', [id]);
  return row;
}

export async function listEndpoints(db: Queryable, projectId: string): Promise<EndpointRow[]> {
  return db.query<EndpointRow>(`SELECT * FROM webhook_endpoints WHERE project_id = $1 AND status <> 'deleted' ORDER BY created_at, id`, [projectId]);
}

/**
 * Deletes an endpoint, keeping it and its deliveries as history. Its pending deliveries end as skipped, but
 * for those a dispatcher is sending right now: it records them, and skips the rest once it sees the deletion.
 */
export async function deleteEndpoint(db: Queryable, projectId: string, id: string): Promise<void> {
  await db.query(
    `WITH deleted AS (
       UPDATE webhook_endpoints SET status = 'deleted', updated_at = now() WHERE id = $1 AND project_id = $2 AND status <> 'deleted' RETURNING id)
     UPDATE webhook_deliveries d SET status = 'skipped', last_error = 'endpoint deleted', updated_at = now()
     FROM deleted WHERE d.endpoint_id = deleted.id AND d.status = 'pending' AND (d.in_workflow OR d.claimed_until IS NULL OR d.claimed_until < now())`,
    [id, projectId],
  );
}

export async function setEndpointStatus(db: Queryable, projectId: string, id: string, status: EndpointStatus, reason: string | null = null) {
  const [row] = await db.query<EndpointRow>(
    `UPDATE webhook_endpoints SET status = $3, disabled_reason = $4, failing_since = CASE WHEN $3 = 'active' THEN NULL ELSE failing_since END,
       updated_at = now() WHERE id = $1 AND project_id = $2 AND status <> 'deleted' RETURNING *`,
    [id, projectId, status, reason],
  );
  return row;
}

/** The sealed secrets to sign with: the current one, and the previous one while its grace period lasts. */
export function signingSecrets(e: EndpointRow, now = new Date()): string[] {
  const previousValid = e.previous_secret_sealed && e.previous_secret_expires_at && new Date(e.previous_secret_expires_at) > now;
  return previousValid ? [e.secret_sealed, e.previous_secret_sealed!] : [e.secret_sealed];
}

export async function rotateEndpointSecret(db: Queryable, id: string, newSealed: string, graceMs: number): Promise<EndpointRow> {
  const [row] = await db.query<EndpointRow>(
    `UPDATE webhook_endpoints SET previous_secret_sealed = secret_sealed, secret_sealed = $2,
       previous_secret_expires_at = now() + make_interval(secs => $3::float8 / 1000), updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id, newSealed, graceMs],
  );
  return row;
}

export async function updateEndpoint(
  db: Queryable,
  id: string,
  e: Partial<Pick<EndpointRow, 'url' | 'description' | 'event_types' | 'filter_collection_id' | 'filter_chain' | 'auth_type' | 'auth_sealed' | 'format' | 'ordered'>>,
): Promise<EndpointRow> {
  const fields = Object.entries(e).filter(([, v]) => v !== undefined);
  const [row] = await db.query<EndpointRow>(
    `UPDATE webhook_endpoints SET ${fields.map(([k], i) => `${k} = $${i + 2}`).join(', ')}${fields.length ? ', ' : ''}updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id, ...fields.map(([, v]) => v)],
  );
  return row;
}

/** Deliveries of an endpoint that failed or were skipped, since a time: what a replay after an outage sends. */
export async function undeliveredSince(db: Queryable, endpointId: string, since: Date): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(
    `SELECT * FROM webhook_deliveries WHERE endpoint_id = $1 AND status IN ('failed', 'skipped') AND created_at >= $2 ORDER BY created_at LIMIT 1000`,
    [endpointId, since],
  );
}

/** Marks a finished delivery pending again for a replay; returns the attempt number the replay starts at. */
export async function reopenDelivery(db: Queryable, id: string): Promise<number | undefined> {
  const [row] = await db.query<{ attempts: number }>(
    `UPDATE webhook_deliveries SET status = 'pending', in_workflow = true, updated_at = now() WHERE id = $1 AND status <> 'pending' RETURNING attempts`,
    [id],
  );
  return row ? row.attempts + 1 : undefined;
}

export async function insertDelivery(
  db: Queryable,
  d: Pick<DeliveryRow, 'id' | 'project_id' | 'endpoint_id' | 'event_id' | 'event_type' | 'payload'> & { status?: 'pending' | 'skipped' },
): Promise<void> {
  await db.query(
    `INSERT INTO webhook_deliveries (id, project_id, endpoint_id, event_id, event_type, payload, status, last_error, in_workflow)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false) ON CONFLICT (event_id, endpoint_id) DO NOTHING`,
    [d.id, d.project_id, d.endpoint_id, d.event_id, d.event_type, JSON.stringify(d.payload), d.status ?? 'pending',
      d.status === 'skipped' ? 'endpoint paused' : null],
  );
}

export async function getDelivery(db: Queryable, id: string): Promise<DeliveryRow | undefined> {
  const [row] = await db.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE id = $1', [id]);
  return row;
}

/** A project's delivery, with the status of its endpoint. */
export async function findDelivery(db: Queryable, projectId: string, id: string): Promise<{ id: string; endpoint_status: EndpointStatus } | undefined> {
  const [row] = await db.query<{ id: string; endpoint_status: EndpointStatus }>(
    'SELECT d.id, e.status AS endpoint_status FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1 AND d.project_id = $2',
    [id, projectId],
  );
  return row;
}

export async function getAttempt(db: Queryable, deliveryId: string, attempt: number): Promise<AttemptRow | undefined> {
  const [row] = await db.query<AttemptRow>('SELECT * FROM webhook_attempts WHERE delivery_id = $1 AND attempt = $2', [deliveryId, attempt]);
  return row;
}

/** Records one attempt (once per attempt number) and the delivery's latest state. */
export async function recordAttempt(db: Queryable, a: AttemptRow) {
  await db.query(
    `INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status_code, latency_ms, response_body, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [a.delivery_id, a.attempt, a.started_at, a.status_code, a.latency_ms, a.response_body, a.error],
  );
  await db.query(
    `UPDATE webhook_deliveries SET attempts = GREATEST(attempts, $2), last_status_code = $3, last_error = $4, updated_at = now() WHERE id = $1`,
    [a.delivery_id, a.attempt, a.status_code, a.error],
  );
}

export async function finishDelivery(db: Queryable, id: string, status: 'succeeded' | 'failed' | 'skipped') {
  await db.query('UPDATE webhook_deliveries SET status = $2, updated_at = now() WHERE id = $1', [id, status]);
}

export interface DeliveryFilter {
  endpointId?: string;
  eventId?: string;
  actionId?: string;
  eventType?: string;
  status?: DeliveryRow['status'];
  limit: number;
  offset: number;
}

const DELIVERIES_MATCHING = `d.project_id = $1 AND ($2::text IS NULL OR d.endpoint_id = $2) AND ($3::text IS NULL OR d.event_type = $3) AND ($4::text IS NULL OR d.status = $4)
       AND ($5::text IS NULL OR d.event_id = $5) AND ($6::text IS NULL OR d.event_id = (SELECT o.id FROM outbox_events o WHERE o.action_id = $6))`;

export type ListedDelivery = DeliveryRow & { history: AttemptRow[]; endpoint_url: string; endpoint_format: EndpointRow['format'] };

/** A page of the project's deliveries, newest first, with their attempts and endpoint, and how many match in all. */
export async function listDeliveries(db: Queryable, projectId: string, f: DeliveryFilter): Promise<{ rows: ListedDelivery[]; total: number }> {
  const filter = [projectId, f.endpointId ?? null, f.eventType ?? null, f.status ?? null, f.eventId ?? null, f.actionId ?? null];
  const rows = await db.query<ListedDelivery>(
    `SELECT d.*, e.url AS endpoint_url, e.format AS endpoint_format,
       COALESCE((SELECT json_agg(a ORDER BY a.attempt) FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]') AS history
     FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
     WHERE ${DELIVERIES_MATCHING}
     ORDER BY d.created_at DESC, d.id DESC LIMIT $7 OFFSET $8`,
    [...filter, f.limit, f.offset],
  );
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM webhook_deliveries d WHERE ${DELIVERIES_MATCHING}`, filter);
  return { rows, total };
}

/** A delivery that ended well clears its endpoint's failing streak. */
export async function clearFailingStreak(db: Queryable, endpointId: string) {
  await db.query('UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL', [endpointId]);
}

/**
 * What a failed delivery says of its endpoint: a 410 Gone disables it; failing without a success for longer
 * than `disableAfterMs` (counted from `failedSince`, the streak's start or this delivery's creation) disables
 * it too. Answers the endpoint if this call is what disabled it.
 */
export async function recordEndpointFailure(db: Queryable, endpointId: string, gone: boolean, failedSince: Date, disableAfterMs: number): Promise<EndpointRow | undefined> {
  if (gone) {
    const [row] = await db.query<EndpointRow>(
      `UPDATE webhook_endpoints SET status = 'disabled', disabled_reason = 'the receiver answered 410 Gone', updated_at = now()
       WHERE id = $1 AND status IN ('active', 'paused') RETURNING *`,
      [endpointId],
    );
    return row;
  }
  // The row as it was (locked first) tells whether this statement is the one that disabled it.
  const [row] = await db.query<EndpointRow & { was: EndpointStatus }>(
    `UPDATE webhook_endpoints e SET failing_since = COALESCE(e.failing_since, $2),
       status = CASE WHEN e.status = 'active' AND COALESCE(e.failing_since, $2) < now() - make_interval(secs => $3::float8 / 1000) THEN 'disabled' ELSE e.status END,
       disabled_reason = CASE WHEN e.status = 'active' AND COALESCE(e.failing_since, $2) < now() - make_interval(secs => $3::float8 / 1000)
         THEN 'every delivery failed since ' || to_char(COALESCE(e.failing_since, $2) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') ELSE e.disabled_reason END,
       updated_at = now()
     FROM (SELECT id, status FROM webhook_endpoints WHERE id = $1 FOR UPDATE) was
     WHERE e.id = was.id
     RETURNING e.*, was.status AS was`,
    [endpointId, failedSince, disableAfterMs],
  );
  return row && row.was === 'active' && row.status === 'disabled' ? row : undefined;
}

export interface HourOfDeliveries {
  hour: Date;
  succeeded: number;
  failed: number;
}

/** An endpoint's finished deliveries per hour since `since` (by when each was created); hours without any are left out. */
export async function deliveriesPerHour(db: Queryable, endpointId: string, since: Date): Promise<HourOfDeliveries[]> {
  return db.query<HourOfDeliveries>(
    `SELECT date_trunc('hour', created_at) AS hour,
       count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE status = 'failed')::int AS failed
     FROM webhook_deliveries WHERE endpoint_id = $1 AND created_at >= $2 AND status IN ('succeeded', 'failed')
     GROUP BY 1 ORDER BY 1`,
    [endpointId, since],
  );
}

import { z } from 'zod';
import { CATALOGUE } from '../../webhooks/event-types';
import { OPERATIONS, takesFunctions, type Operation } from './operations';
import { RESPONSE_SCHEMAS } from './responses';

type Json = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12, describing what a client sends (defaults make fields optional). */
function jsonSchema(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
}

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

function responseOf(description: string, schema?: string) {
  if (!schema) return { description };
  if (schema === 'text') return { description, content: { 'text/plain': { schema: { type: 'string' } } } };
  if (schema === 'object') return { description, content: { 'application/json': { schema: { type: 'object' } } } };
  return { description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } };
}

const PROBLEMS: Record<number, string> = {
  400: 'Invalid input (`errors` names each field) or malformed JSON',
  401: 'No or bad credentials',
  404: 'Not found (or another project\'s)',
  409: 'State conflict',
  413: 'Body too large',
  422: 'Idempotency-Key reused with another request',
  503: 'A dependency cannot be asked now; try again',
};

function operationObject(o: Operation): Json {
  const parameters: Json[] = [
    ...Object.entries(o.params ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema: jsonSchema(schema) })),
    ...Object.entries(o.query?.shape ?? {}).map(([name, schema]) => {
      const s = schema as z.ZodType;
      return { name, in: 'query', required: !s.safeParse(undefined).success, schema: jsonSchema(s) };
    }),
    ...(o.idempotencyKey
      ? [{ name: 'Idempotency-Key', in: 'header', required: false, description: 'Makes retries safe: the same key with the same request returns the same result', schema: { type: 'string', maxLength: 255 } }]
      : []),
  ];
  const responses: Json = Object.fromEntries(Object.entries(o.responses).map(([status, [description, schema]]) => [status, responseOf(description, schema)]));
  const problems = new Set([...(o.body || o.query || o.params || o.idempotencyKey ? [400] : []), ...(o.auth === 'none' ? [] : [401]), ...(o.problems ?? [])]);
  for (const status of problems) responses[status] = problem(o.problemMeanings?.[status] ?? PROBLEMS[status]);
  if (takesFunctions(o)) {
    responses[207] = responseOf('A post-function failed: the normal answer is in `result`, every post-function\'s outcome in `functions`', 'FunctionsResult');
    responses[503] = problem('A pre-function did not answer in time (`function_unavailable`); nothing was done');
    responses['4XX'] = problem('Also: a pre-function answered this status (`function_rejected`, with `functionId` and `functionBody`); nothing was done');
  }
  responses.default = problem('Unexpected error');
  return {
    operationId: `${o.method}${o.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    tags: [o.tag],
    summary: o.summary,
    ...(o.auth === 'none' ? { security: [] } : o.auth === 'admin' ? { security: [{ adminToken: [] }] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(o.body ? { requestBody: { required: !o.body.safeParse(undefined).success, content: { 'application/json': { schema: jsonSchema(o.body) } } } } : {}),
    responses,
  };
}

/** Every event the engine delivers, as OpenAPI 3.1 webhooks: what an endpoint receives, signed (Standard Webhooks). */
function webhooks(): Json {
  return Object.fromEntries(CATALOGUE.map((e) => [e.type, {
    post: {
      summary: e.type,
      description: `${e.description} Signed with the endpoint's secret (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature).`,
      requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string' }, type: { const: e.type } }, required: ['id', 'type'] }, example: e.example } } },
      responses: { '2XX': { description: 'Received; any other answer is retried' } },
    },
  }]));
}

/** The OpenAPI 3.1 description of the API, from the operations' zod schemas and the event catalogue. */
export function openApiDocument(): Json {
  const paths: Record<string, Json> = {};
  for (const o of OPERATIONS) (paths[toOpenApiPath(o.path)] ??= {})[o.method] = operationObject(o);
  return {
    openapi: '3.1.0',
    info: {
      title: 'NFT action engine',
      version: '1',
      description: 'Durable NFT actions on Temporal: deploy, create token types, mint, update; webhooks, chain events, functions and application events.',
    },
    security: [{ apiKey: [] }],
    tags: [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    webhooks: webhooks(),
    components: {
      schemas: RESPONSE_SCHEMAS,
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: "A project's API key" },
        adminToken: { type: 'http', scheme: 'bearer', description: "The operator's ADMIN_TOKEN" },
      },
    },
  };
}

import Ajv2020 from 'ajv/dist/2020';
import { openApiValidator } from '../support/openapi';
import { startHarness, type Harness } from '../support/harness';

type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle: { stack?: Layer[] }; rawPath?: unknown };

const joined = (prefix: string, path: string) => `${prefix === '/' ? '' : prefix}${path === '/' ? '' : path}` || '/';

/** Every route of an Express 5 app, as "METHOD /path", found by walking its router and the routers mounted in it. */
function routesOf(stack: Layer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      return Object.keys(layer.route.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${joined(prefix, layer.route!.path)}`);
    }
    if (layer.handle.stack) return routesOf(layer.handle.stack, joined(prefix, typeof layer.rawPath === 'string' ? layer.rawPath : ''));
    return [];
  });
}

const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('OpenAPI description', () => {
  let h: Harness;
  let doc: any;
  beforeAll(async () => {
    h = await startHarness();
    const res = await fetch(`${h.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    doc = await res.json();
  });
  afterAll(() => h?.stop());

  test('every route of the app is described, and every described route is one of the app', () => {
    const routes = routesOf((h.app as unknown as { router: { stack: Layer[] } }).router.stack);
    expect(routes.length).toBeGreaterThan(40);
    const described = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    const served = routes.map((r) => r.replace(/ (.*)$/, (_m, p: string) => ` ${openApiPath(p)}`));
    expect(served.filter((r) => !described.includes(r))).toEqual([]);
    // The admin routes are mounted only with ADMIN_TOKEN (not in this harness).
    const stale = described.filter((d) => !d.includes('/v1/admin/') && !served.includes(d));
    expect(stale).toEqual([]);
  });

  test('the document is OpenAPI 3.1 whose schemas compile as JSON Schema 2020-12, with every path parameter declared', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.apiKey).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }));
    const { ajv } = openApiValidator(doc);
    const compile = (schema: unknown, where: string) => {
      try {
        ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', 'components#/$defs/')));
      } catch (err) {
        throw new Error(`${where}: ${(err as Error).message}`);
      }
    };
    const operationIds = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(operationIds.has(op.operationId)).toBe(false);
        operationIds.add(op.operationId);
        const declared = (op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name).sort();
        expect([where, declared]).toEqual([where, [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()]);
        for (const p of op.parameters ?? []) compile(p.schema, `${where} parameter ${p.name}`);
        if (op.requestBody) compile(op.requestBody.content['application/json'].schema, `${where} body`);
        expect(Object.keys(op.responses).length).toBeGreaterThan(1);
        for (const [status, r] of Object.entries(op.responses as Record<string, any>)) {
          for (const media of Object.values(r.content ?? {}) as any[]) compile(media.schema, `${where} ${status}`);
        }
        if (op.security?.length !== 0 && !path.startsWith('/v1/admin/')) expect([where, op.responses['401']?.content]).toEqual([where, expect.objectContaining({ 'application/problem+json': expect.anything() })]);
      }
    }
    expect(new Ajv2020({ strict: false }).validateSchema(doc.components.schemas.Action)).toBe(true);
  });

  test('request bodies are described from the zod schemas, write routes with 207 and the function problems', () => {
    const mint = doc.paths['/v1/collections/{collectionId}/nfts'].post;
    expect(mint.requestBody.content['application/json'].schema).toMatchObject({ type: 'object', required: ['recipient'], additionalProperties: false });
    expect(mint.parameters.map((p: any) => p.name)).toEqual(['collectionId', 'Idempotency-Key']);
    expect(Object.keys(mint.responses)).toEqual(expect.arrayContaining(['202', '207', '400', '401', '404', '503', '4XX']));
    expect(doc.paths['/v1/actions'].get.parameters.map((p: any) => p.name)).toEqual(['type', 'status', 'stage', 'collectionId', 'since', 'until', 'q', 'limit', 'cursor']);
    expect(doc.paths['/v1/functions'].post.responses['207']).toBeUndefined();
    expect(doc.paths['/healthz'].get.security).toEqual([]);
  });

  test('real answers validate against the description', async () => {
    const v = openApiValidator(doc);
    const check = async (method: string, path: string, documented: string, body?: unknown) => {
      const res = await h.request(method, path, body);
      v.response(method, documented, res.status, res.body, res.headers.get('content-type')!.split(';')[0]);
      return res;
    };
    expect((await check('GET', '/v1/collections', '/v1/collections')).status).toBe(200);
    expect((await check('POST', '/v1/collections', '/v1/collections', { chain: 'nope', name: '' })).status).toBe(400);
    expect((await check('GET', '/v1/actions?limit=5', '/v1/actions')).status).toBe(200);
    expect((await check('GET', `/v1/actions/${crypto.randomUUID()}`, '/v1/actions/{actionId}')).status).toBe(404);
    expect((await check('GET', '/v1/webhooks/event-types', '/v1/webhooks/event-types')).status).toBe(200);
    expect((await check('GET', '/v1/subscriptions', '/v1/subscriptions')).status).toBe(200);
    expect((await check('GET', '/healthz', '/healthz')).status).toBe(200);
    const unauthenticated = await fetch(`${h.baseUrl}/v1/collections`);
    v.response('GET', '/v1/collections', 401, await unauthenticated.json(), 'application/problem+json');
    expect(() => v.response('GET', '/v1/collections', 200, { nope: true })).toThrow(/does not match/);
  });

  test('every event of the catalogue is under webhooks, and its example validates', async () => {
    const v = openApiValidator(doc);
    const { body } = await h.request('GET', '/v1/webhooks/event-types');
    expect(Object.keys(doc.webhooks).sort()).toEqual(body.data.map((e: any) => e.type).sort());
    for (const e of body.data) v.webhook(e.example);
  });

  test('the interactive docs are served locally from swagger-ui-dist and load this description', async () => {
    const redirect = await fetch(`${h.baseUrl}/docs`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/docs/');
    const page = await fetch(`${h.baseUrl}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    for (const asset of [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1])) {
      expect([asset, (await fetch(`${h.baseUrl}/docs/${asset}`)).status]).toEqual([asset, 200]);
    }
    const init = await (await fetch(`${h.baseUrl}/docs/swagger-initializer.js`)).text();
    expect(init).toContain("url: '../openapi.json'");
    expect(init).not.toContain('petstore');
  });
});

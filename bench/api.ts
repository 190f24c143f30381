import { pollUntil } from './stats';

export type Api = (method: string, urlPath: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** A client of the engine's HTTP API with the project's key. */
export function apiClient(baseUrl: string, apiKey: string): Api {
  return async (method, urlPath, body) => {
    const res = await fetch(`${baseUrl}${urlPath}`, {
      method, headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
    return { status: res.status, body: parsed };
  };
}

/** GET /v1/actions/:id until it is no longer pending. */
export async function waitForAction(api: Api, actionId: string, timeoutMs = 120_000, intervalMs = 250) {
  let last: unknown;
  return pollUntil(async () => {
    const res = await api('GET', `/v1/actions/${actionId}`);
    last = res.body;
    return res.status === 200 && res.body.status !== 'pending' ? res.body : undefined;
  }, { timeoutMs, intervalMs, what: () => `action ${actionId} still pending: ${JSON.stringify(last)}` });
}

/** An ERC-721 collection through the API, deployed; its id. */
export async function createCollection(api: Api, name: string): Promise<string> {
  const res = await api('POST', '/v1/collections', { chain: 'anvil', name, symbol: 'BNCH' });
  if (res.status !== 202) throw new Error(`collection refused: ${res.status} ${JSON.stringify(res.body)}`);
  const action = await waitForAction(api, res.body.actionId);
  if (action.status !== 'succeeded') throw new Error(`collection failed: ${JSON.stringify(action)}`);
  return action.resource.collectionId;
}

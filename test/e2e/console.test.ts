import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ALICE, BOB } from '../support/accounts';
import { describeInBrowser, launchBrowser, screenshot } from '../support/browser';
import { startHarness, TEMPORAL_UI_URL, type Harness } from '../support/harness';
import { startReceiver } from '../support/receiver';

const EXPLORER = 'https://explorer.example';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/** Longer than an action on anvil takes: the page must show the change without being reloaded. */
const LIVE_TIMEOUT = 60_000;

describeInBrowser('web console (headless Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let collection: { id: string; address: string; actionId: string };
  let failedActionId: string;
  let endpointPage: string;

  /** Signs in on a fresh page of its own context (its own session storage). */
  async function signedIn(key: string, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ viewport });
    const p = await ctx.newPage();
    await p.goto(`${h.baseUrl}/console/`);
    await p.getByLabel('Project API key').fill(key);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('navigation', { name: 'Console' }).waitFor();
    return { context: ctx, page: p };
  }

  beforeAll(async () => {
    [h, browser] = await Promise.all([startHarness({ explorerUrl: EXPLORER }), launchBrowser()]);
    await h.startWorker();
    // At most one token: the chain refuses a second once the engine's own check is lifted (below).
    collection = await h.deployCollection('erc721', { maxSupply: 1 });
    ({ context, page } = await signedIn(h.apiKey));
  });
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  test('a wrong key is refused and nothing is kept', async () => {
    const ctx = await browser.newContext({ viewport: DESKTOP });
    const p = await ctx.newPage();
    await p.goto(`${h.baseUrl}/console/`);
    await p.getByLabel('Project API key').fill('nfte_not-a-key-of-any-project');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await expectText(p.getByRole('alert'), 'That API key is not valid.');
    expect(await p.evaluate('Object.keys(sessionStorage)')).toEqual([]);
    expect(p.url()).not.toContain('nfte_');
    await screenshot(p, 'sign-in-refused');
    await ctx.close();
  });

  test('a mint made through the API appears in the live list and turns succeeded without a reload', async () => {
    await page.goto(`${h.baseUrl}/console/#/actions`);
    await page.evaluate('window.notReloaded = true');
    const key = `console-${randomUUID()}`;
    const mint = await h.request('POST', `/v1/collections/${collection.id}/nfts`, {
      recipient: ALICE, metadata: { name: 'Console One', image: `${h.baseUrl}/console/icon.svg` },
    }, { 'Idempotency-Key': key });
    expect(mint.status).toBe(202);
    const row = page.locator(`tr[data-action-id="${mint.body.actionId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await expectText(row.locator('.badge'), 'succeeded', LIVE_TIMEOUT);
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    // The chart counts it with the collection's deployment; the search finds it by its Idempotency-Key and by its transaction.
    await expectText(page.locator('figcaption'), 'succeeded 2');
    await page.getByLabel('Search (action id, tx hash, Idempotency-Key)').fill(key);
    await expectCount(page.locator('tbody tr'), 1);
    await expect(row.isVisible()).resolves.toBe(true);
    const done = await h.waitForAction(mint.body.actionId);
    await page.getByLabel('Search (action id, tx hash, Idempotency-Key)').fill(done.txId);
    await expectCount(page.locator('tbody tr'), 1);
    await page.getByLabel('Search (action id, tx hash, Idempotency-Key)').fill('');
    await page.getByLabel('Type').selectOption('nfts.create');
    await expectCount(page.locator('tbody tr'), 1);
    await page.getByLabel('Type').selectOption('');
    await expectCount(page.locator('tbody tr'), 2);
    await screenshot(page, 'actions');

    await row.getByRole('link').click();
    await expectText(page.locator('h1'), mint.body.actionId);
    await expectText(page.locator('.timeline'), 'completed');
    expect(await page.getByRole('link', { name: 'on the explorer' }).getAttribute('href')).toBe(`${EXPLORER}/tx/${done.txId}`);
    expect(await page.getByRole('link', { name: /in the Temporal UI/ }).getAttribute('href'))
      .toBe(`${TEMPORAL_UI_URL}/namespaces/default/workflows/action-${mint.body.actionId}`);
    await screenshot(page, 'action-succeeded');
  });

  test("a failed action shows the contract's revert reason and the call", async () => {
    // Only the chain holds the collection to one token now.
    await h.db.query('UPDATE collections SET max_supply = 0 WHERE id = $1', [collection.id]);
    const mint = await h.request('POST', `/v1/collections/${collection.id}/nfts`, { recipient: BOB, metadata: { name: 'Console Two' } });
    failedActionId = mint.body.actionId;
    await page.goto(`${h.baseUrl}/console/#/actions/${failedActionId}`);
    await expectText(page.locator('.revert-reason'), 'MaxSupplyExceeded', LIVE_TIMEOUT);
    await expectText(page.locator('.failure'), 'execution_reverted');
    await expectText(page.locator('.failure'), '"functionName": "mintTo"');
    await screenshot(page, 'action-failed');
  });

  test('collections show the contract, supply used, token types and NFTs with their metadata versions', async () => {
    // An updated NFT (metadata version 2) and an ERC-1155 collection with a token type.
    const { body: nfts } = await h.request('GET', `/v1/collections/${collection.id}/nfts`);
    const first = nfts.data.find((n: any) => n.status === 'minted');
    const update = await h.request('PATCH', `/v1/collections/${collection.id}/nfts/${first.id}`, { metadata: { name: 'Console One, renamed', image: first.metadata.image } });
    const multi = await h.deployCollection('erc1155', { name: 'Editions', symbol: 'ED' });
    const type = await h.request('POST', `/v1/collections/${multi.id}/token-types`, { metadata: { name: 'Gold pass' }, maxSupply: 5 });
    const typeDone = await h.waitForAction(type.body.actionId);
    await h.waitForAction((await h.request('POST', `/v1/collections/${multi.id}/nfts`, { recipient: ALICE, tokenTypeId: typeDone.resource.id })).body.actionId);
    expect((await h.waitForAction(update.body.actionId)).status).toBe('succeeded');

    await page.goto(`${h.baseUrl}/console/#/collections`);
    await page.getByRole('link', { name: 'Editions' }).waitFor();
    await expectText(page.locator('tbody'), 'per token type');
    await screenshot(page, 'collections');
    await page.goto(`${h.baseUrl}/console/#/collections/${collection.id}`);
    await expectText(page.locator('.facts'), collection.address);
    expect(await page.getByRole('link', { name: 'on the explorer' }).getAttribute('href')).toBe(`${EXPLORER}/address/${collection.address}`);
    await expectText(page.locator('.nfts'), 'Console One, renamed');
    const renamed = page.locator('.nft', { hasText: 'Console One, renamed' });
    await expectText(renamed, 'metadata version 2: v1 v2');
    expect(await renamed.getByRole('link', { name: 'v1' }).getAttribute('href')).toBe(`../v1/metadata/nfts/${first.id}/1`);
    await screenshot(page, 'collection');
    await page.goto(`${h.baseUrl}/console/#/collections/${multi.id}`);
    const typeRow = page.locator('section', { hasText: 'Token types' }).locator('tbody tr');
    await expectText(typeRow, 'Gold pass');
    await expectText(typeRow, '1 of 5');
    await expectText(page.locator('.nfts'), 'Gold pass');
    await screenshot(page, 'collection-erc1155');
  });

  test('an endpoint is created, sent a test event, its delivery seen and replayed; paused, replayed since a time, rotated, filtered', async () => {
    const receiver = await startReceiver();
    try {
      await page.goto(`${h.baseUrl}/console/#/webhooks`);
      await page.getByLabel('URL').fill(receiver.url);
      await page.getByLabel('Description').fill('console test receiver');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      await expectText(page.locator('[data-secret]'), 'whsec_');
      await screenshot(page, 'webhooks');
      await page.getByRole('link', { name: receiver.url }).first().click();
      await page.getByRole('button', { name: 'Send test event' }).waitFor();
      endpointPage = new URL(page.url()).hash;
      await page.getByRole('button', { name: 'Send test event' }).click();
      const delivery = page.locator('.delivery').first();
      // The badge, not the event type's name (nfts.create.succeeded).
      await expectText(delivery.locator('.badge'), 'succeeded', 20_000);
      expect(receiver.received).toHaveLength(1);
      expect(JSON.parse(receiver.received[0].body).test).toBe(true);
      await delivery.getByRole('button', { name: /Replay delivery/ }).click();
      await expectText(page.locator('.note'), 'replayed');
      await expectText(delivery, '2 attempts', 20_000);
      expect(receiver.received).toHaveLength(2);
      await expectText(page.locator('.sparkline'), '100% of 1');
      await delivery.locator('summary').click();
      await expectCount(delivery.locator('.attempts tbody tr'), 2);
      await expectText(delivery.locator('.attempts'), '200');

      // Paused, a test event is kept as skipped; resumed, "replay all since" sends it.
      const since = new Date(Date.now() - 10 * 60_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      await page.getByRole('button', { name: 'Pause' }).click();
      await expectText(page.locator('.facts'), 'paused');
      await page.getByLabel('Test event type').selectOption('nfts.update.succeeded');
      await page.getByRole('button', { name: 'Send test event' }).click();
      const skipped = page.locator('.delivery').first();
      await expectText(skipped, 'nfts.update.succeeded');
      await expectText(skipped.locator('.badge'), 'skipped', 20_000);
      await page.getByRole('button', { name: 'Resume' }).click();
      await expectText(page.locator('.facts'), 'active');
      await page.getByLabel('Replay failed and skipped since').fill(since);
      await page.getByRole('button', { name: 'Replay all' }).click();
      await expectText(page.locator('.note'), 'Replaying 1 delivery.');
      await expectText(skipped.locator('.badge'), 'succeeded', 20_000);
      expect(receiver.received.map((r) => JSON.parse(r.body).type)).toEqual(['nfts.create.succeeded', 'nfts.create.succeeded', 'nfts.update.succeeded']);

      await page.getByRole('button', { name: 'Rotate secret' }).click();
      await expectText(page.locator('[data-secret]'), 'whsec_');
      await page.getByLabel('Event types (none selected: every action event)').selectOption(['nfts.create.succeeded', 'nfts.create.failed']);
      await page.getByLabel('Only the chain').fill('anvil');
      await page.getByRole('button', { name: 'Save filters' }).click();
      await expectText(page.locator('.facts'), 'nfts.create.succeeded, nfts.create.failed');
      await expectText(page.locator('.facts'), 'chain anvil');
      const saved = await h.request('GET', `/v1/webhooks/${endpointPage.split('/').at(-1)}`);
      expect(saved.body).toMatchObject({ eventTypes: ['nfts.create.succeeded', 'nfts.create.failed'], filters: { chain: 'anvil' }, status: 'active' });
      expect(saved.body.previousSecretExpiresAt).not.toBeNull();
      await screenshot(page, 'endpoint');
    } finally {
      await receiver.close();
    }
  });

  test('subscriptions, functions and application events are listed', async () => {
    await h.request('POST', '/v1/subscriptions', { kind: 'contract', chain: 'anvil', contractAddress: collection.address });
    await h.request('POST', '/v1/functions', { route: 'POST /v1/events', phase: 'pre', url: 'http://127.0.0.1:9/never', enabled: false });
    const nfts = await h.request('GET', `/v1/collections/${collection.id}/nfts`);
    const minted = nfts.body.data.find((n: any) => n.status === 'minted');
    await h.request('POST', '/v1/events', { type: 'nft.like', nftId: minted.id, actor: BOB, data: { likes: 3 } });
    for (const [name, text] of [['subscriptions', collection.address.toLowerCase()], ['functions', 'POST /v1/events'], ['events', 'nft.like']]) {
      await page.goto(`${h.baseUrl}/console/#/${name}`);
      await expectText(page.locator('tbody'), text);
      await screenshot(page, name);
    }
  });

  test("another project's key never sees this project's data", async () => {
    const other = await h.newProject();
    const { context: ctx, page: p } = await signedIn(other.apiKey);
    await p.goto(`${h.baseUrl}/console/#/actions`);
    await expectText(p.locator('.live'), '0 actions');
    await p.goto(`${h.baseUrl}/console/#/actions/${failedActionId}`);
    await expectText(p.getByRole('alert'), `No action with id ${failedActionId}`);
    await p.goto(`${h.baseUrl}/console/#/collections/${collection.id}`);
    await expectText(p.getByRole('alert'), 'collection');
    await p.goto(`${h.baseUrl}/console/#/webhooks`);
    await expectText(p.locator('main'), 'No endpoints yet.');
    await screenshot(p, 'other-project');
    await ctx.close();
  });

  test("an API process with ADMIN_TOKEN: the operator's token lists the projects, a wrong one is refused; TEMPORAL_UI_URL reaches the console", async () => {
    const adminToken = `console-admin-${randomUUID()}`;
    const api = await h.startApi({ ADMIN_TOKEN: adminToken, TEMPORAL_UI_URL: 'https://temporal.example' });
    const settings = await (await fetch(`${api.url}/console/settings.json`)).json();
    expect(settings).toEqual({ temporalUiUrl: 'https://temporal.example', temporalNamespace: 'default', chains: [{ name: 'anvil', chainId: h.stack.chainId, explorerUrl: EXPLORER }] });
    const ctx = await browser.newContext({ viewport: DESKTOP });
    const p = await ctx.newPage();
    await p.goto(`${api.url}/console/`);
    await p.getByLabel('Admin token').fill('not-the-admin-token-at-all');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await expectText(p.getByRole('alert'), 'That admin token is not valid.');
    await p.getByLabel('Admin token').fill(adminToken);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await expectText(p.locator('tbody'), h.projectId);
    // The admin token alone opens no project's pages.
    expect(await p.getByRole('navigation', { name: 'Console' }).getByRole('link').allTextContents()).toEqual(['Projects']);
    await screenshot(p, 'projects');
    await ctx.close();
    await api.stop();
  });

  test('at phone width the list and an action stay usable', async () => {
    const { context: ctx, page: p } = await signedIn(h.apiKey, PHONE);
    await p.goto(`${h.baseUrl}/console/#/actions`);
    await p.locator('tbody tr').first().waitFor();
    const overflow = () => p.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    await screenshot(p, 'actions-phone');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await p.goto(`${h.baseUrl}/console/#/actions/${failedActionId}`);
    await p.locator('.revert-reason').waitFor();
    await screenshot(p, 'action-failed-phone');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await p.goto(`${h.baseUrl}/console/${endpointPage}`);
    await p.locator('.delivery summary').first().click();
    await p.locator('.attempts').first().waitFor();
    await screenshot(p, 'endpoint-phone');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await p.goto(`${h.baseUrl}/console/#/collections/${collection.id}`);
    await p.locator('.nft').first().waitFor();
    await screenshot(p, 'collection-phone');
    expect(await overflow()).toBeLessThanOrEqual(0);
    // By keyboard from a fresh load: the skip link first, then the navigation, followed with Enter.
    await p.goto('about:blank');
    await p.goto(`${h.baseUrl}/console/#/actions`);
    await p.locator('tbody tr').first().waitFor();
    const focused = () => p.evaluate('document.activeElement?.textContent');
    await p.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to content');
    await p.keyboard.press('Tab');
    await p.keyboard.press('Tab');
    expect(await focused()).toBe('Collections');
    await p.keyboard.press('Enter');
    await expectText(p.locator('h1'), 'Collections');
    await ctx.close();
  });

  test('the docs page (/docs) loads and lists the routes', async () => {
    const p = await context.newPage();
    await p.goto(`${h.baseUrl}/docs/`);
    await p.locator('.opblock').first().waitFor({ timeout: 20_000 });
    const paths = await p.locator('.opblock-summary-path').allTextContents();
    expect(paths.map((t) => t.replace(/\u200b/g, ''))).toEqual(expect.arrayContaining(['/v1/actions', '/v1/collections/{collectionId}/nfts', '/v1/webhooks']));
    // Swagger UI shows a warning above the routes for a description it does not fully support.
    expect(await p.getByText('Warning').count()).toBe(0);
    await screenshot(p, 'docs', false);
    await p.close();
  });
});

/** Waits until the locator's text contains `text`. */
async function expectText(locator: ReturnType<Page['locator']>, text: string, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    last = (await locator.first().textContent({ timeout }).catch(() => '')) ?? '';
    if (last.includes(text)) return;
    if (Date.now() > deadline) throw new Error(`expected "${text}" in ${locator}, found "${last}"`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function expectCount(locator: ReturnType<Page['locator']>, count: number, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = await locator.count();
    if (found === count) return;
    if (Date.now() > deadline) throw new Error(`expected ${count} of ${locator}, found ${found}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

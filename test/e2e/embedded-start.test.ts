import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEngineProcess, type EngineProcess } from '../../src/stack/engine-process';
import { freePort } from '../../src/stack/ports';

const ROOT = path.resolve(__dirname, '../..');
const READY = 'Ctrl-C stops everything.';

/**
 * `npm start` as a new user meets it: its own Temporal dev server, anvil, signer and PGlite on free ports and
 * a fresh DATA_DIR, in a process of its own, with nothing in the environment but where things are.
 */
describe('npm start: the first minutes', () => {
  let dataDir: string;
  let stack: EngineProcess;
  let base: string;
  let temporalPort: number;
  let banner: string[];
  const apiKey = () => readFileSync(path.join(dataDir, 'dev-api-key'), 'utf8').trim();

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'nft-engine-embedded-start-'));
    const port = await freePort();
    temporalPort = await freePort();
    base = `http://127.0.0.1:${port}`;
    stack = await startEngineProcess('src/cli/start.ts', READY, {
      PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH,
      DATA_DIR: dataDir, PORT: String(port), TEMPORAL_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(await freePort()),
      ANVIL_PORT: String(await freePort()), SIGNER_PORT: String(await freePort()), WORKER_PORT: '0',
      SHUTDOWN_TIMEOUT: '2s', WORKER_SHUTDOWN_GRACE: '2s',
    });
    banner = stack.output().split('\n').filter((line) => line !== '');
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('it prints only its banner, naming the admin token and the Temporal CLI', () => {
    expect(banner.filter((line) => !line.startsWith('[start] '))).toEqual([]);
    expect(banner.at(-1)).toBe(`[start] ${READY}`);
    const adminLine = banner.find((line) => line.includes('admin API'));
    expect(adminLine).toContain(`Authorization: Bearer ${readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim()}`);
    const cli = /Temporal CLI {2}npm run temporal -- workflow list {2}\(runs (\S+)\)/.exec(banner.join('\n'))?.[1];
    expect(cli).toBeDefined();
    accessSync(cli!, constants.X_OK);
  });

  test("it prints the console's address, and the console links workflows to the dev server's UI", async () => {
    expect(banner).toContain(`[start]   console       ${base}/console  (sign in with the API key)`);
    const ui = /Temporal {6}\S+ {2}UI (\S+)/.exec(banner.join('\n'))?.[1];
    const settings = (await (await fetch(`${base}/console/settings.json`)).json()) as { temporalUiUrl: string };
    expect(settings.temporalUiUrl).toBe(ui);
    expect((await fetch(`${base}/console/`)).status).toBe(200);
  });

  test('a webhook receiver on loopback is accepted without a restart', async () => {
    const res = await fetch(`${base}/v1/webhooks`, {
      method: 'POST', headers: { 'x-api-key': apiKey(), 'content-type': 'application/json' }, body: JSON.stringify({ url: 'http://127.0.0.1:9/hook' }),
    });
    expect(res.status).toBe(201);
  });

  test('the admin API answers the printed token', async () => {
    const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const post = (authorization: string) => fetch(`${base}/v1/admin/projects`, {
      method: 'POST', headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Second',
        signer: { url: 'http://127.0.0.1:3100/sign', address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', secret: readFileSync(path.join(dataDir, 'signer-secret'), 'utf8').trim() },
      }),
    });
    expect((await post('Bearer not-the-token-not-the-token')).status).toBe(401);
    const created = await post(`Bearer ${token}`);
    expect(created.status).toBe(201);
    expect(((await created.json()) as { apiKey: string }).apiKey).toMatch(/^nfte_/);
  });

  test('npm run temporal lists the workflow of an action', async () => {
    const res = await fetch(`${base}/v1/collections`, {
      method: 'POST', headers: { 'x-api-key': apiKey(), 'content-type': 'application/json' },
      body: JSON.stringify({ chain: 'anvil', standard: 'erc721', name: 'First', symbol: 'ONE' }),
    });
    expect(res.status).toBe(202);
    const { actionId } = (await res.json()) as { actionId: string };
    const list = () => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/temporal.ts', 'workflow', 'list', '--query', "ActionType='collections.create'", '-o', 'json'], {
      cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH, TEMPORAL_PORT: String(temporalPort) }, encoding: 'utf8',
    });
    // Visibility trails the start by a moment.
    for (let tries = 0; ; tries++) {
      const run = list();
      expect([run.status, run.stderr]).toEqual([0, '']);
      if (run.stdout.includes(`action-${actionId}`) || tries === 20) {
        expect(run.stdout).toContain(`action-${actionId}`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
});

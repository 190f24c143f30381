import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { parseDuration, SETTINGS } from '../../src/config';
import { DYNAMIC_CONFIG_FILE } from '../../src/stack/temporal-cluster/cluster';
import { TEMPORAL_SERVER_VERSION } from '../../src/stack/temporal-cluster/version';

const ROOT = path.resolve(__dirname, '../..');
const composeText = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, any> };
const APP_SERVICES = ['migrate', 'signer', 'api', 'worker'];
const composeEnv = { SECRETS_KEY: 'k'.repeat(43) + '=', SIGNER_SECRET: 'whsec_c2VjcmV0', ADMIN_TOKEN: 'a'.repeat(48) };
const hasDockerCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

describe('docker-compose.yml', () => {
  test('is valid against the Compose Specification schema', () => {
    // schema/compose-spec.json of compose-spec/compose-spec (Apache-2.0), commit 170098ba07d9.
    // Its $schema names draft-07 over https, which ajv knows over http; draft-07 is ajv's default anyway.
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/compose-spec.json'), 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
    validate(parse(composeText, { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    const broken = parse(composeText, { merge: true });
    broken.services.worker.stop_grace = '40s';
    expect(validate(broken)).toBe(false);
  });

  (hasDockerCompose ? test : test.skip)('docker-compose config accepts it, and refuses it without the secrets', () => {
    const run = (env: Record<string, string>) => spawnSync('docker-compose', ['config', '-q'], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
    expect(run(composeEnv).status).toBe(0);
    const missing = run({ ...composeEnv, SECRETS_KEY: '' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/SECRETS_KEY/);
  });

  test('runs the production shape: Temporal on PostgreSQL with its schema, the UI, the app database, api, worker, signer, chain', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['anvil', 'api', 'app-postgresql', 'migrate', 'signer', 'temporal', 'temporal-namespace', 'temporal-postgresql', 'temporal-schema', 'temporal-ui', 'worker'].sort());
    expect(compose.services.temporal.depends_on['temporal-schema'].condition).toBe('service_completed_successfully');
    for (const name of ['api', 'worker']) {
      expect(compose.services[name].depends_on).toMatchObject({
        migrate: { condition: 'service_completed_successfully' }, 'temporal-namespace': { condition: 'service_completed_successfully' },
      });
    }
  });

  test('runs the Temporal version that npm run temporal:cluster builds (one place pins it)', () => {
    const tag = (service: string) => String(compose.services[service].image).split(':')[1];
    const version = TEMPORAL_SERVER_VERSION.replace(/^v/, '');
    expect(tag('temporal')).toBe(version);
    // admin-tools images are tagged by minor version only (there is no admin-tools:1.29.1).
    expect(tag('temporal-schema')).toBe(version.split('.').slice(0, 2).join('.'));
    expect(tag('temporal-namespace')).toBe(tag('temporal-schema'));
    // Both run the server with the same dynamic configuration file.
    expect(compose.services.temporal.volumes.map((v: string) => v.split(':')[0])).toContain(`./${path.relative(ROOT, DYNAMIC_CONFIG_FILE)}`);
  });

  test('the worker scales: no container name, no host port, a stop grace period longer than its drain', () => {
    const worker = compose.services.worker;
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    expect(parseDuration(worker.stop_grace_period)!).toBeGreaterThan(parseDuration(worker.environment.WORKER_SHUTDOWN_GRACE)!);
  });

  test('app services run entry points that exist, with settings the engine knows', () => {
    for (const name of APP_SERVICES) {
      const service = compose.services[name];
      expect(service.build).toBe('.');
      expect(existsSync(path.join(ROOT, service.command.at(-1)))).toBe(true);
      expect(Object.keys(service.environment).filter((key) => !SETTINGS.includes(key))).toEqual([]);
    }
  });

  test('every file it mounts from the repository exists', () => {
    const mounts = Object.values(compose.services).flatMap((s: any) => (s.volumes ?? []) as string[]).filter((v) => v.startsWith('./'));
    expect(mounts.length).toBeGreaterThan(0);
    for (const mount of mounts) expect(existsSync(path.join(ROOT, mount.split(':')[0]))).toBe(true);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1)!;

  test('is multi-stage; the image runs as a non-root user with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(runtime).not.toMatch(/npm ci(?! --omit=dev)/);
    // node itself as PID 1's command, so SIGTERM reaches the engine's graceful shutdown.
    expect(runtime).toMatch(/^CMD \["node", "--import", "tsx", "src\/api\/main\.ts"\]$/m);
  });

  test('copies everything the runtime needs and nothing from the host that .dockerignore keeps out', () => {
    for (const copied of ['src', 'artifacts', 'package.json', 'tsconfig.json']) expect(runtime).toMatch(new RegExp(`^COPY .*\\b${copied}\\b`, 'm'));
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'data', '.git']));
  });

  test('applies the dependency patches to the production dependencies (install scripts stay off)', () => {
    const deps = stages.find((s) => /npm ci --omit=dev/.test(s))!;
    expect(deps).toMatch(/^COPY patches \.\/patches$/m);
    expect(deps).toMatch(/npm ci --omit=dev --ignore-scripts && npx patch-package/);
  });
});

describe('the image', () => {
  /** The packages a file loads at run time (type-only imports are erased) and the project files it imports. */
  function importsOf(file: string) {
    const code = readFileSync(file, 'utf8').split('\n').filter((line) => !/^\s*(import|export) type /.test(line)).join('\n');
    // `from '…'` with its space, so SQL such as `->>'from'` is not taken for an import.
    const specifiers = [...code.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*|\brequire\(\s*)'([^']+)'/g)].map((m) => m[1]);
    const resolve = (spec: string) => {
      const found = ['.ts', '/index.ts', ''].map((ext) => path.resolve(path.dirname(file), spec) + ext).find((f) => existsSync(f));
      if (!found) throw new Error(`${file} imports ${spec}, which does not exist`);
      return found;
    };
    return {
      // Data files (the contract artifacts) are copied into the image; only code is followed.
      files: specifiers.filter((spec) => spec.startsWith('.')).map(resolve).filter((f) => f.endsWith('.ts')),
      packages: specifiers.filter((spec) => !spec.startsWith('.')).map((spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/')),
    };
  }

  test('its entry points load production dependencies only (npm ci --omit=dev)', () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const allowed = new Set([...Object.keys(manifest.dependencies), ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const seen = new Set<string>();
    const loaded = new Set<string>();
    const queue = ['src/api/main.ts', 'src/worker/main.ts', 'src/signer/main.ts', 'src/db/main.ts', 'src/cli/start.ts', 'src/workflows/index.ts']
      .map((f) => path.join(ROOT, f));
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const { files, packages } = importsOf(file);
      queue.push(...files);
      packages.forEach((p) => loaded.add(p));
    }
    expect(seen.size).toBeGreaterThan(50);
    expect([...loaded].filter((p) => !allowed.has(p))).toEqual([]);
    // The compiler is a build-time tool: it must stay out of what runs.
    expect([...seen].some((f) => f.endsWith('src/contracts/compile.ts'))).toBe(false);
  });
});


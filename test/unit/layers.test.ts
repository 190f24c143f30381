import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importCycles, importsOf, readSources, scanSource, SQL_STATEMENT, type SourceFile } from '../support/import-graph';

const ROOT = path.resolve(__dirname, '../..');
const SRC = path.join(ROOT, 'src');

/**
 * The folders of src/ (and its top-level files) from the top down: a folder imports only folders of rows
 * below its own, never one beside it or above. The entry points npm runs sit above all of them.
 */
const LAYERS: string[][] = [
  ['stack'], // the embedded stack runs the API, the worker and the signer in one process
  ['worker'],
  ['api', 'health', 'signer'],
  ['cli'], // what the processes share: listening, shutdown, the parts they open
  ['temporal'], // starting, signalling and resuming workflows; the connection
  ['workflows'],
  ['activities'],
  ['subscriptions', 'functions'],
  ['webhooks'],
  ['signing', 'observability', 'chain', 'store'],
  ['db', 'secrets', 'contracts', 'shared', 'config'],
  ['domain', 'log'],
];

/**
 * Modules kept at their old paths for files being changed on another branch, which still import them
 * there: each re-exports from the module's new home, and goes once the files named here import that.
 */
const FORWARDING: Record<string, string[]> = {
  'actions/urls.ts': ['src/health/checks.ts', 'src/health/reorg-check.ts', 'test/support/harness.ts'],
  'actions/reorg-event.ts': ['src/health/reorg-check.ts'],
  'activities/failures.ts': [
    'src/activities/replace.ts', 'src/activities/sign-transaction.ts', 'src/workflows/action-error.ts', 'src/workflows/action-until-settled.ts',
  ],
  'temporal/search-attributes.ts': ['src/workflows/action-until-settled.ts', 'src/workflows/action.ts', 'src/workflows/batch-mint.ts'],
};

/** Import cycles in files being changed on another branch, until that change breaks them. */
const KNOWN_CYCLES = [['workflows/action-until-settled.ts', 'workflows/action.ts']];

/** Where SQL is written: the engine's store and its migrations, and the Temporal cluster's own database setup. */
const SQL_HOMES = ['store/', 'db/', 'stack/temporal-cluster/'];

const sources = readSources(SRC);
const byFile = new Map(sources.map((s) => [s.file, s]));
const layerOf = (file: string) => file.split('/')[0].replace(/\.ts$/, '');
const rowOf = (layer: string) => LAYERS.findIndex((row) => row.includes(layer));

/** The files npm runs (package.json scripts), which may import any layer and are imported by none. */
const ENTRIES = new Set(
  [...Object.values(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>)
    .join(' ').matchAll(/\bsrc\/([\w/.-]+\.ts)\b/g)].map((m) => m[1]),
);

/** Where a forwarding module's names come from: name → file. */
function forwardedNames(file: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const { specifier, names: exported } of importsOf(byFile.get(file)!.scanned.code)) {
    const target = path.relative(SRC, path.resolve(SRC, path.dirname(file), specifier)).split(path.sep).join('/');
    const resolved = byFile.has(`${target}.ts`) ? `${target}.ts` : target;
    for (const name of exported) names.set(name, resolved);
  }
  return names;
}

/** A file's imports, an import of a forwarding module counted as one of the modules it forwards the names to. */
function importsThrough(source: SourceFile): string[] {
  return source.imports.flatMap(({ file, names }) => {
    if (!(file in FORWARDING)) return [file];
    const forwarded = forwardedNames(file);
    return names.map((name) => forwarded.get(name) ?? `${file} (no ${name})`);
  });
}

describe('layers', () => {
  test('the graph is read: every relative import resolves, and known imports are seen', () => {
    expect(sources.filter((s) => s.unresolved.length > 0).map((s) => `${s.file}: ${s.unresolved.join(', ')}`)).toEqual([]);
    expect(byFile.get('api/app.ts')!.imports.map((i) => i.file)).toContain('api/routes/actions.ts');
    expect(byFile.get('worker/worker.ts')!.imports.map((i) => i.file)).toContain('workflows/index.ts');
    expect([...ENTRIES]).toEqual(expect.arrayContaining(['cli/start.ts', 'api/main.ts', 'worker/main.ts', 'db/main.ts', 'signer/main.ts']));
  });

  test('every folder of src/ has its place in the layers, and every layer is a folder', () => {
    const forwardingOnly = (layer: string) => sources.filter((s) => layerOf(s.file) === layer).every((s) => s.file in FORWARDING);
    const layers = new Set(sources.map((s) => layerOf(s.file)));
    expect([...layers].filter((layer) => rowOf(layer) === -1 && !forwardingOnly(layer))).toEqual([]);
    expect(LAYERS.flat().filter((layer) => !layers.has(layer))).toEqual([]);
  });

  test('no import cycles', () => {
    const edges = new Map(sources.map((s) => [s.file, s.imports.map((i) => i.file)]));
    expect(importCycles(edges)).toEqual(KNOWN_CYCLES);
  });

  test('every import between folders goes down the layers; nothing imports an entry point', () => {
    const wrong: string[] = [];
    for (const source of sources) {
      if (source.file in FORWARDING) continue;
      for (const target of importsThrough(source)) {
        if (ENTRIES.has(target)) wrong.push(`${source.file} → ${target} (an entry point)`);
        const [from, to] = [layerOf(source.file), layerOf(target)];
        if (from === to || ENTRIES.has(source.file)) continue;
        if (!(rowOf(to) > rowOf(from))) wrong.push(`${source.file} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('forwarding modules only re-export, and only the files named for them import them', () => {
    const repo = readSources(ROOT, ['src', 'test', 'bench', 'scripts']);
    for (const [file, importers] of Object.entries(FORWARDING)) {
      const statements = byFile.get(file)!.scanned.code.split(';').map((s) => s.trim()).filter(Boolean);
      expect(statements.filter((s) => !/^export\s+(type\s+)?\{[^}]*\}\s+from\s+'[^']+'$/.test(s))).toEqual([]);
      expect(repo.filter((s) => s.imports.some((i) => i.file === `src/${file}`)).map((s) => s.file)).toEqual([...importers].sort());
    }
  });

  test('the engine\'s SQL is written in store/ (and db/ migrations) only', () => {
    const outside = sources
      .filter((s) => !SQL_HOMES.some((home) => s.file.startsWith(home)))
      .flatMap((s) => s.scanned.literals.filter((text) => SQL_STATEMENT.test(text)).map((text) => `${s.file}: ${text.trim().slice(0, 80)}`));
    expect(outside).toEqual([]);
  });
});

describe('the import graph reader', () => {
  test('tells code from comments, strings, templates and regular expressions', () => {
    const { code, literals } = scanSource([
      "import { a, type B as C } from './a'; // import { x } from './not-this'",
      '/* export * from "./nor-this" */',
      "const sql = `SELECT * FROM t WHERE ${where.join(' AND ')} ORDER BY id`;",
      "const re = /['`]/g; const half = n / 2;",
      "export * from './b';",
      "const late = require.resolve('../c');",
    ].join('\n'));
    expect(importsOf(code)).toEqual([
      { specifier: './a', names: ['a', 'B'] },
      { specifier: './b', names: ['*'] },
      { specifier: '../c', names: [] },
    ]);
    expect(literals).toEqual(['./a', ' AND ', 'SELECT * FROM t WHERE   ORDER BY id', './b', '../c']);
    expect(literals.filter((l) => SQL_STATEMENT.test(l))).toEqual(['SELECT * FROM t WHERE   ORDER BY id']);
  });

  test('finds cycles', () => {
    expect(importCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
    expect(importCycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importCycles, importsOf, readSources, scanSource, SQL_STATEMENT } from '../support/import-graph';

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
  ['db', 'secrets', 'contracts', 'shared', 'config', 'net'],
  ['domain', 'log'],
];

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

describe('layers', () => {
  test('the graph is read: every relative import resolves, and known imports are seen', () => {
    expect(sources.filter((s) => s.unresolved.length > 0).map((s) => `${s.file}: ${s.unresolved.join(', ')}`)).toEqual([]);
    expect(byFile.get('api/app.ts')!.imports).toContain('api/routes/actions.ts');
    expect(byFile.get('worker/worker.ts')!.imports).toContain('workflows/index.ts');
    expect([...ENTRIES]).toEqual(expect.arrayContaining(['cli/start.ts', 'api/main.ts', 'worker/main.ts', 'db/main.ts', 'signer/main.ts']));
  });

  test('every folder of src/ has its place in the layers, and every layer is a folder', () => {
    const layers = new Set(sources.map((s) => layerOf(s.file)));
    expect([...layers].filter((layer) => rowOf(layer) === -1)).toEqual([]);
    expect(LAYERS.flat().filter((layer) => !layers.has(layer))).toEqual([]);
  });

  test('no import cycles', () => {
    const edges = new Map(sources.map((s) => [s.file, s.imports]));
    expect(importCycles(edges)).toEqual([]);
  });

  test('every import between folders goes down the layers; nothing imports an entry point', () => {
    const wrong: string[] = [];
    for (const source of sources) {
      for (const target of source.imports) {
        if (ENTRIES.has(target)) wrong.push(`${source.file} → ${target} (an entry point)`);
        const [from, to] = [layerOf(source.file), layerOf(target)];
        if (from === to || ENTRIES.has(source.file)) continue;
        if (!(rowOf(to) > rowOf(from))) wrong.push(`${source.file} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
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
    expect(importsOf(code)).toEqual(['./a', './b', '../c']);
    expect(literals).toEqual(['./a', ' AND ', 'SELECT * FROM t WHERE   ORDER BY id', './b', '../c']);
    expect(literals.filter((l) => SQL_STATEMENT.test(l))).toEqual(['SELECT * FROM t WHERE   ORDER BY id']);
  });

  test('finds cycles', () => {
    expect(importCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
    expect(importCycles(new Map([['a', ['b']], ['b', []]]))).toEqual([]);
  });
});

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** A TypeScript file read as text: its code with comments blanked, and the text of its string and template literals. */
export interface ScannedSource {
  code: string;
  literals: string[];
}

const REGEX_AFTER = new Set([...'(,=:[!&|?{};+-*%<>~^']);
const REGEX_AFTER_WORD = /\b(return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)$/;

/**
 * Splits a source file into code and literals without a parser: comments, quoted strings, template literals
 * (their `${}` expressions scanned as code) and regular expressions (told from a division by what precedes).
 */
export function scanSource(text: string): ScannedSource {
  const literals: string[] = [];
  let code = '';
  let i = 0;
  const quoted = (quote: string) => {
    let value = '';
    for (i++; i < text.length && text[i] !== quote; i++) value += text[i] === '\\' ? text[i] + text[++i] : text[i];
    i++;
    return value;
  };
  const template = () => {
    let value = '';
    i++;
    while (i < text.length && text[i] !== '`') {
      if (text[i] === '$' && text[i + 1] === '{') {
        i += 2;
        code += scanUntilBrace();
        value += ' ';
      } else {
        if (text[i] === '\\') value += text[i++];
        value += text[i++];
      }
    }
    i++;
    return value;
  };
  const regex = () => {
    let inClass = false;
    for (i++; i < text.length && (inClass || text[i] !== '/'); i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '[') inClass = true;
      else if (text[i] === ']') inClass = false;
    }
    for (i++; /[a-z]/.test(text[i] ?? ''); i++);
  };
  // Scans code until the brace closing the one just opened (depth 1), or the end of the text.
  function scanUntilBrace(): string {
    let out = '';
    let depth = 1;
    while (i < text.length) {
      const c = text[i];
      const next = text[i + 1];
      if (c === '/' && next === '/') {
        while (i < text.length && text[i] !== '\n') i++;
      } else if (c === '/' && next === '*') {
        const end = text.indexOf('*/', i + 2);
        i = end === -1 ? text.length : end + 2;
        out += ' ';
      } else if (c === '"' || c === "'") {
        literals.push(quoted(c));
        out += `${c}${literals.at(-1)}${c}`;
      } else if (c === '`') {
        literals.push(template());
        out += '``';
      } else if (c === '/' && (REGEX_AFTER.has(out.trimEnd().at(-1) ?? '(') || REGEX_AFTER_WORD.test(out.trimEnd()))) {
        regex();
        out += '/r/';
      } else {
        if (c === '{') depth++;
        if (c === '}' && --depth === 0) {
          i++;
          return out;
        }
        out += c;
        i++;
      }
    }
    return out;
  }
  code = scanUntilBrace() + code;
  return { code, literals };
}

const STATIC_IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?[\w$*\s{},]*?\s*from\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT_IMPORT = /^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\b(?:import|require|require\.resolve)\(\s*['"]([^'"]+)['"]\s*\)/g;

/** What the import and re-export statements, `import()` and `require()` calls of a file's code (comments excluded) name. */
export function importsOf(code: string): string[] {
  return [STATIC_IMPORT, SIDE_EFFECT_IMPORT, DYNAMIC_IMPORT].flatMap((pattern) => [...code.matchAll(pattern)].map((m) => m[1]));
}

export interface SourceFile {
  /** The path from the root, with forward slashes: `api/routes/actions.ts`. */
  file: string;
  scanned: ScannedSource;
  /** Relative imports, resolved to files under the root. */
  imports: string[];
  /** Relative imports that resolve to no file. */
  unresolved: string[];
}

const tsFilesUnder = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
  const full = path.join(dir, entry.name);
  if (entry.isDirectory()) return tsFilesUnder(full);
  return entry.name.endsWith('.ts') ? [full] : [];
});

/**
 * Every .ts file in `folders` of `root` with its relative imports, paths from the root; imports leaving the
 * root (JSON artifacts) are left out.
 */
export function readSources(root: string, folders = ['.']): SourceFile[] {
  return folders.flatMap((folder) => tsFilesUnder(path.join(root, folder))).sort().map((full) => {
    const scanned = scanSource(readFileSync(full, 'utf8'));
    const imports: string[] = [];
    const unresolved: string[] = [];
    for (const specifier of importsOf(scanned.code)) {
      if (!specifier.startsWith('.')) continue;
      const target = path.resolve(path.dirname(full), specifier);
      const found = [target, `${target}.ts`, path.join(target, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile());
      if (!found) unresolved.push(specifier);
      else if (!path.relative(root, found).startsWith('..')) imports.push(path.relative(root, found).split(path.sep).join('/'));
    }
    return { file: path.relative(root, full).split(path.sep).join('/'), scanned, imports, unresolved };
  });
}

/** The groups of files that import each other, directly or round about (Tarjan's strongly connected components). */
export function importCycles(edges: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (edges.get(v) ?? []).includes(v)) cycles.push(component.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}

/** A statement written as SQL, in a string or template literal. */
export const SQL_STATEMENT = /\b(SELECT|INSERT|UPDATE|DELETE)\b[\s\S]*\b(FROM|INTO|SET)\b/;

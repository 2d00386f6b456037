import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { SyntaxKind } from 'typescript/unstable/ast';
import { createScanner } from 'typescript/unstable/ast/scanner';
import { describe, expect, it } from 'vitest';

/**
 * The shape of functions/core, checked so it stays true (issue 16, acceptance 2):
 * - no import cycle between its files, nor between its folders: a kernel (the root files, errors, i18n, auth, security, …) under
 *   the nouns (schools, posts, families, notify, …) under jobs/ (the orchestrators), each folder importing
 *   only lower ones, so a folder can be read, tested and changed knowing only what sits under it;
 * - only store modules (`store.ts`, `*-store.ts`) import the AWS SDK: keys, expressions and commands of a
 *   noun live in one place.
 *
 * Imports are read with TypeScript's own scanner (TypeScript 7 has no `ts.preProcessFile`; `specifiers`
 * below is its import-finding part): static imports, re-exports, `import type` and dynamic `import('…')`,
 * never a regex over text that may hold template literals or regular expressions. Type-only imports
 * COUNT: a type names the module it comes from, and a folder that needs another's types to compile is tied
 * to it just as much — moving a type to the folder that owns the noun is the fix, erasing it at build time
 * is not.
 */
const repo = resolve(import.meta.dirname, '../../..');
const core = join(repo, 'functions/core');
const sources = /\.(ts|mts|mjs)$/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return sources.test(name) ? [path] : [];
  });
}

/** The folder a core file belongs to: its first path segment, or '.' for the root files (deps.ts, errors.ts). */
const folderOf = (file: string): string => {
  const parts = relative(core, file).split('/');
  return parts.length > 1 ? (parts[0] as string) : '.';
};

const candidates = ['', '.ts', '.mts', '.mjs', '.d.ts', '.d.mts', '/index.ts'];
function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  return candidates.map((ext) => base + ext).find((path) => existsSync(path) && statSync(path).isFile());
}

interface Import {
  from: string;
  spec: string;
  target?: string;
}

/** Tokens after which a `/` divides; anywhere else it starts a regular expression. */
const endsOperand = new Set([
  SyntaxKind.Identifier,
  SyntaxKind.CloseParenToken,
  SyntaxKind.CloseBracketToken,
  SyntaxKind.NumericLiteral,
  SyntaxKind.BigIntLiteral,
  SyntaxKind.StringLiteral,
  SyntaxKind.NoSubstitutionTemplateLiteral,
  SyntaxKind.TemplateTail,
  SyntaxKind.ThisKeyword,
  SyntaxKind.PlusPlusToken,
  SyntaxKind.MinusMinusToken,
]);

/** The module specifiers a file names: `… from '…'`, `import '…'` and `import('…')`. */
function specifiers(text: string): string[] {
  const scanner = createScanner(true, undefined, text);
  const found: string[] = [];
  const templates: number[] = []; // brace depth at which each open `${` began
  let depth = 0;
  let [before, previous] = [SyntaxKind.Unknown, SyntaxKind.Unknown];
  for (let token = scanner.scan(); token !== SyntaxKind.EndOfFile; token = scanner.scan()) {
    if (token === SyntaxKind.TemplateHead) templates.push(depth);
    else if (token === SyntaxKind.OpenBraceToken) depth++;
    else if (token === SyntaxKind.CloseBraceToken) {
      if (templates.at(-1) === depth) {
        token = scanner.reScanTemplateToken(false);
        if (token === SyntaxKind.TemplateTail) templates.pop();
      } else depth--;
    } else if ((token === SyntaxKind.SlashToken || token === SyntaxKind.SlashEqualsToken) && !endsOperand.has(previous)) {
      token = scanner.reScanSlashToken();
    } else if (token === SyntaxKind.StringLiteral) {
      const named =
        previous === SyntaxKind.FromKeyword ||
        previous === SyntaxKind.ImportKeyword ||
        (previous === SyntaxKind.OpenParenToken && before === SyntaxKind.ImportKeyword);
      if (named) found.push(scanner.getTokenValue());
    }
    [before, previous] = [previous, token];
  }
  return found;
}

function importsOf(file: string): Import[] {
  return specifiers(readFileSync(file, 'utf8')).map((spec) => ({
    from: file,
    spec,
    target: spec.startsWith('.') ? resolveImport(file, spec) : undefined,
  }));
}

const files = walk(core);
const imports = files.flatMap(importsOf);
const rel = (path: string) => relative(core, path);

/** node → node → the first file import that makes the edge (for the message); a node is a folder or a file. */
function importGraph(nodeOf: (file: string) => string): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const { from, target } of imports) {
    if (!target?.startsWith(`${core}/`)) continue;
    const [a, b] = [nodeOf(from), nodeOf(target)];
    if (a === b) continue;
    const edges = graph.get(a) ?? new Map<string, string>();
    if (!edges.has(b)) edges.set(b, `${rel(from)} imports ${rel(target)}`);
    graph.set(a, edges);
  }
  return graph;
}

/** Every cycle's shortest form, one per folder that lies on one: "posts → media → posts: …". */
function cycles(graph: Map<string, Map<string, string>>): string[] {
  const found = new Map<string, string>();
  for (const start of graph.keys()) {
    // Breadth-first from `start` back to itself: the shortest cycle through it.
    const previous = new Map<string, string>();
    const queue = [...(graph.get(start)?.keys() ?? [])];
    for (const next of queue) previous.set(next, start);
    while (queue.length > 0) {
      const node = queue.shift() as string;
      if (node === start) break;
      for (const next of graph.get(node)?.keys() ?? []) {
        if (previous.has(next)) continue;
        previous.set(next, node);
        queue.push(next);
      }
    }
    if (!previous.has(start)) continue;
    const path = [start];
    for (let node = previous.get(start) as string; node !== start; node = previous.get(node) as string) path.unshift(node);
    path.unshift(start);
    const key = [...path.slice(1)].sort().join(',');
    if (found.has(key)) continue;
    const why = path.slice(1).map((to, i) => graph.get(path[i] as string)?.get(to));
    found.set(key, `${path.join(' → ')}: ${why.join('; ')}`);
  }
  return [...found.values()];
}

/**
 * Files allowed to import the SDK without being store modules: none. (The list held the 58 files of the day
 * the rule came in, and could only shrink; issue 16's store slices emptied it.) Keep it empty.
 */
const pendingSdk = new Set<string>([]);

const isStore = (file: string) => /(^|\/)(store|[a-z0-9-]+-store)\.(ts|mts)$/.test(file);

describe('functions/core imports', () => {
  it('has no import cycle between its folders (type-only and dynamic imports count)', () => {
    expect(files.length).toBeGreaterThan(100);
    const graph = importGraph(folderOf);
    // The scanner sees all three kinds of import (a regression here would make the check pass vacuously).
    expect(graph.get('jobs')?.size ?? 0).toBeGreaterThan(3);
    expect(cycles(graph)).toEqual([]);
  });

  it('has no import cycle between its files either (a store is never imported by the module it imports)', () => {
    expect(cycles(importGraph(rel))).toEqual([]);
  });

  it('reads every kind of import, past template literals and regular expressions', () => {
    const text = [
      "import type { A } from './a';",
      "import { b } from '../b';",
      "import './c';",
      "export * from './d';",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text for the scanner, not a template
      "const s = `${x}'${`${y}`}'`;",
      "const r = /'/g;",
      "const m = await import('./e');",
      "const n = s.from('not an import');",
    ].join('\n');
    expect(specifiers(text)).toEqual(['./a', '../b', './c', './d', './e']);
  });

  it('finds a cycle and spells it out', () => {
    const graph = new Map([
      ['posts', new Map([['media', 'posts/a.ts imports media/b.ts']])],
      ['media', new Map([['posts', 'media/b.ts imports posts/post.ts']])],
    ]);
    expect(cycles(graph)).toEqual(['posts → media → posts: posts/a.ts imports media/b.ts; media/b.ts imports posts/post.ts']);
  });

  it('resolves every relative import (one it cannot follow would hide an edge from the checks above)', () => {
    const unresolved = imports.filter((i) => i.spec.startsWith('.') && !i.target).map((i) => `${rel(i.from)}: ${i.spec}`);
    expect(unresolved).toEqual([]);
  });

  it('lets only store modules use the storage helpers in aws/ that take an SDK client (dynamo.ts, s3-prefix.ts)', () => {
    const helpers = [join(repo, 'functions/aws/dynamo.ts'), join(repo, 'functions/aws/s3-prefix.ts')];
    const offenders = imports
      .filter((i) => i.target && helpers.includes(i.target) && !isStore(rel(i.from)))
      .map((i) => `${rel(i.from)} imports ${relative(repo, i.target ?? '')}`);
    expect(offenders).toEqual([]);
  });

  it('lets only store modules import @aws-sdk (the pending list only shrinks)', () => {
    const importers = new Set(imports.filter((i) => i.spec.startsWith('@aws-sdk/')).map((i) => rel(i.from)));
    const offenders = [...importers].filter((file) => !isStore(file) && !pendingSdk.has(file)).sort();
    const cleared = [...pendingSdk].filter((file) => !importers.has(file)).sort();
    expect({ offenders, cleared }).toEqual({ offenders: [], cleared: [] });
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The repository stands alone: a clone with nothing beside it must pass every test and run every
 * benchmark. These checks keep it so — nothing may reach the folder beside the repository, and every
 * link in the README and docs must land on a file inside it.
 */
const root = resolve(fileURLToPath(new URL('../../../', import.meta.url)));

/** Tracked files and untracked ones git does not ignore (so a new file is checked before its commit). */
function projectFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  return out
    .split('\n')
    .filter((f) => f !== '' && existsSync(resolve(root, f)))
    .filter((f) => /\.(ts|mts|mjs|js|json|md|tsv|yml|yaml|sh|html|css)$/.test(f) || f.startsWith('.ci/'))
    .filter((f) => !f.startsWith('test/corpus/') || f.endsWith('.md') || f.endsWith('.mjs'));
}

const outsideRoot = (path: string) => relative(root, path).startsWith('..');

describe('the repository stands alone', () => {
  it('no file refers to a folder beside the repository', () => {
    const offenders: string[] = [];
    // A relative path climbing out of its file's folder: allowed only while it stays inside the repository.
    const climbing = /((?:\.\.\/)+)([\w-][\w.-]*)/g;
    for (const file of projectFiles()) {
      const text = readFileSync(resolve(root, file), 'utf8');
      if (file === 'package-lock.json') continue;
      for (const match of text.matchAll(climbing)) {
        // The team's folder beside the repository is `shared/`; attack strings such as `../../../x` in the
        // security tests climb out too, but name nothing that exists.
        const target = resolve(root, dirname(file), `${match[1]}${match[2]}`);
        if (outsideRoot(target) && (match[2] === 'shared' || existsSync(target))) offenders.push(`${file}: ${match[0]}`);
      }
      // The design notes beside the repository are not the product's; docs/architecture.md is.
      const design = ['DESIGN', 'md'].join('.');
      if (text.includes(design)) offenders.push(`${file}: cites ${design} (cite docs/architecture.md instead)`);
    }
    expect(offenders).toEqual([]);
  });

  it('every relative link in the README and docs resolves to a file inside the repository', () => {
    const docs = projectFiles().filter((f) => f.endsWith('.md') && (f === 'README.md' || f.startsWith('docs/')));
    expect(docs).toContain('docs/architecture.md');
    const broken: string[] = [];
    for (const file of docs) {
      const text = readFileSync(resolve(root, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!target || /^(https?:|mailto:|#)/.test(target)) continue;
        const path = resolve(root, dirname(file), decodeURIComponent(target.split('#')[0] ?? ''));
        if (outsideRoot(path) || !existsSync(path)) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the corpus states a licence for every file it holds', () => {
    const manifest = readFileSync(resolve(root, 'test/corpus/MANIFEST.tsv'), 'utf8').trim().split('\n');
    const [header, ...rows] = manifest.map((line) => line.split('\t'));
    const licence = header?.indexOf('license') ?? -1;
    expect(licence).toBeGreaterThan(0);
    const listed = new Map(rows.map((r) => [r[0], r[licence] ?? '']));
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'test/corpus'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .map((f) => f.replace('test/corpus/', ''))
      .filter((f) => f !== '' && !/\.(md|tsv|mjs)$/.test(f));
    expect(files.length).toBeGreaterThan(40);
    for (const f of files) {
      expect(listed.get(f), `${f} is not in MANIFEST.tsv`).toBeDefined();
      expect(listed.get(f), `${f} has no licence`).not.toMatch(/^\s*$|UNCLEAR/);
    }
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { BUDGETS, BudgetExceeded, type BundleSize, enforceBudgets, formatSizes } from '../../../web/build/budgets';
import { buildWeb, type WebBuild } from '../../../web/build/index';

let build: WebBuild;
const text = (path: string) => new TextDecoder().decode(build.assets.get(path)?.body);

beforeAll(async () => {
  build = await buildWeb();
  console.log(`web bundles:\n${formatSizes(build.sizes)}`);
});

describe('the web build', () => {
  it('keeps embed.js within 6 KB and the composer’s initial JavaScript within 60 KB, gzipped', () => {
    const size = (name: BundleSize['name']) => build.sizes.find((s) => s.name === name);
    expect(size('embed')?.gzipBytes).toBeLessThanOrEqual(6 * 1024);
    expect(size('composerInitial')?.gzipBytes).toBeLessThanOrEqual(60 * 1024);
    expect(size('embed')?.files).toEqual(['embed.js']);
    // The recorder is a chunk of its own, fetched the first time someone records.
    const initial = size('composerInitial')?.files ?? [];
    const chunks = [...build.assets.keys()].filter((p) => /^compose\/(app|chunk)-.*\.js$/.test(p));
    expect(chunks.length).toBeGreaterThan(initial.length);
  });

  it('keeps the admin screens out of the composer’s initial JavaScript: only an admin who opens them loads them', () => {
    const initial = build.sizes.find((s) => s.name === 'composerInitial')?.files ?? [];
    const scripts = [...build.assets.keys()].filter((p) => /^compose\/(app|chunk)-.*\.js$/.test(p));
    // Words only the admin screens use (their headings), found by content rather than by a chunk's name.
    const adminChunks = scripts.filter((p) => text(p).includes('Erase a family') && text(p).includes('Who may be pictured'));
    expect(adminChunks).toHaveLength(1);
    expect(initial).not.toContain(adminChunks[0]);
    for (const path of initial) expect(text(path), path).not.toContain('Erase a family');
  });

  it('fails when a bundle is over its budget, naming it', () => {
    const over: BundleSize = {
      name: 'embed',
      files: ['embed.js'],
      rawBytes: 9000,
      gzipBytes: BUDGETS.embed + 1,
      budgetBytes: BUDGETS.embed,
    };
    expect(() => enforceBudgets([over])).toThrow(BudgetExceeded);
    expect(() => enforceBudgets([over])).toThrow(/embed is 6\.00 KB gzipped, over its budget of 6\.00 KB/);
    expect(() => enforceBudgets(build.sizes)).not.toThrow();
  });

  it('ships a widget that uses no eval, cookies or storage', () => {
    const embed = text('embed.js');
    for (const forbidden of ['eval(', 'new Function', 'document.cookie', 'localStorage', 'sessionStorage', 'innerHTML']) {
      expect(embed, forbidden).not.toContain(forbidden);
    }
    expect(build.assets.get('embed.js')?.contentType).toBe('text/javascript; charset=utf-8');
  });

  it('writes a composer page without inline script or style, whose every script exists', () => {
    const page = text('compose/index.html');
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page).not.toContain('<style');
    expect(page).not.toMatch(/\sstyle=/);
    const referenced = [...page.matchAll(/(?:src|href)="\/(compose\/[^"]+)"/g)].map((m) => m[1] ?? '');
    for (const path of referenced) expect(build.assets.has(path), path).toBe(true);
  });

  it('precaches every file of the composer’s shell in its service worker', () => {
    const worker = text('compose/sw.js');
    const shell = [...build.assets.keys()].filter((p) => p.startsWith('compose/') && p !== 'compose/sw.js');
    for (const path of shell) expect(worker, path).toContain(`"/${path.replace(/index\.html$/, '')}"`);
  });
});

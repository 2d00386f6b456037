import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebAsset } from './assets';
import { type BundleSize, enforceBudgets, measure } from './budgets';
import { bundleComposer, bundleEmbed, bundleServiceWorker } from './bundle';
import { buildIcons } from './icons';
import { COMPOSE_BASE, composerManifest, composerPage } from './pwa';

/** The repository root (this file is web/build/index.ts). */
export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
/** Where `npm run build:web` writes (git-ignored). */
export const DIST = join(ROOT, 'web/dist');

export interface WebBuild {
  /** Every file, by URL path without the leading slash. */
  assets: Map<string, WebAsset>;
  sizes: BundleSize[];
}

/**
 * Builds the embed widget and the composer PWA in memory (esbuild, then sharp for the icons), measures
 * the bundles, and fails when one is over its budget.
 * @throws BudgetExceeded
 */
export async function buildWeb(): Promise<WebBuild> {
  const prefix = COMPOSE_BASE.slice(1);
  const [embed, composer, icons] = await Promise.all([
    bundleEmbed(join(ROOT, 'web/embed/embed.ts')),
    bundleComposer({
      root: ROOT,
      script: 'web/compose/main.ts',
      style: 'web/compose/compose.css',
      outdir: 'web/dist/compose',
      prefix,
    }),
    buildIcons(join(ROOT, 'web/compose/icon.svg'), prefix),
  ]);
  const shell = [...composer.assets, ...icons, composerPage(composer), composerManifest()];
  const version = createHash('sha256')
    .update(shell.map((a) => `${a.path}\0${createHash('sha256').update(a.body).digest('hex')}`).join('\n'))
    .digest('base64url')
    .slice(0, 16);
  const worker = await bundleServiceWorker(
    join(ROOT, 'web/compose/sw.ts'),
    shell.map((a) => `/${a.path.replace(/index\.html$/, '')}`),
    version,
    `${prefix}sw.js`,
  );
  const assets = new Map([embed, ...shell, worker].map((a) => [a.path, a]));
  const initial = composer.initialScripts.map((path) => assets.get(path)).filter((a): a is WebAsset => a !== undefined);
  const sizes = [measure('embed', [embed]), measure('composerInitial', initial)];
  enforceBudgets(sizes);
  return { assets, sizes };
}

import { gzipSync } from 'node:zlib';
import type { WebAsset } from './assets';

/** The budgets, in gzipped bytes: a school website pays for the widget on every page view. */
export const BUDGETS = {
  embed: 6 * 1024,
  composerInitial: 60 * 1024,
} as const;
export type BudgetName = keyof typeof BUDGETS;

/** One measured bundle: the files a browser must fetch before it runs, raw and gzipped. */
export interface BundleSize {
  name: BudgetName;
  files: string[];
  rawBytes: number;
  gzipBytes: number;
  budgetBytes: number;
}

/** Thrown by the build when a bundle is over its budget. */
export class BudgetExceeded extends Error {
  override name = 'BudgetExceeded';
  constructor(
    message: string,
    readonly sizes: BundleSize[],
  ) {
    super(message);
  }
}

/** Gzip at level 9, as CDNs compress text (Brotli is smaller still, so this is the conservative figure). */
export const gzipBytes = (body: Uint8Array) => gzipSync(body, { level: 9 }).length;

/** Measures a bundle made of the given assets. */
export function measure(name: BudgetName, assets: WebAsset[]): BundleSize {
  return {
    name,
    files: assets.map((a) => a.path),
    rawBytes: assets.reduce((sum, a) => sum + a.body.length, 0),
    gzipBytes: assets.reduce((sum, a) => sum + gzipBytes(a.body), 0),
    budgetBytes: BUDGETS[name],
  };
}

/** @throws BudgetExceeded naming every bundle over its budget. */
export function enforceBudgets(sizes: BundleSize[]): void {
  const over = sizes.filter((s) => s.gzipBytes > s.budgetBytes);
  if (over.length > 0) {
    throw new BudgetExceeded(
      over.map((s) => `${s.name} is ${kb(s.gzipBytes)} gzipped, over its budget of ${kb(s.budgetBytes)}`).join('; '),
      sizes,
    );
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

/** A table of sizes for the console. */
export function formatSizes(sizes: BundleSize[]): string {
  const rows = sizes.map(
    (s) =>
      `  ${s.name.padEnd(16)} ${kb(s.rawBytes).padStart(10)} raw ${kb(s.gzipBytes).padStart(10)} gzip  (budget ${kb(s.budgetBytes)}, ${Math.round((100 * s.gzipBytes) / s.budgetBytes)}%)  ${s.files.join(' + ')}`,
  );
  return rows.join('\n');
}

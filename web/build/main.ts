/**
 * `npm run build:web`: builds the widget and the composer into web/dist, prints each bundle's raw and
 * gzipped size, and exits non-zero when a bundle is over its budget.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BudgetExceeded, formatSizes } from './budgets';
import { buildWeb, DIST } from './index';

try {
  const { assets, sizes } = await buildWeb();
  await rm(DIST, { recursive: true, force: true });
  for (const asset of assets.values()) {
    const file = join(DIST, asset.path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, asset.body);
  }
  console.log(`web build: ${assets.size} files in ${DIST}\n${formatSizes(sizes)}`);
} catch (error) {
  if (error instanceof BudgetExceeded) console.error(`${formatSizes(error.sizes)}\nweb build failed: ${error.message}`);
  else console.error(error);
  process.exit(1);
}

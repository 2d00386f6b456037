/**
 * `npm run bench [name…]`: runs the benchmarks (all by default). Each prints its own table of times
 * and ratios measured side by side in one run. Benchmarks never assert: targets live in the issues.
 */
export {};

const benches = {
  'photo-path': () => import('./photo-path'),
  image: () => import('./image'),
  faces: () => import('./faces'),
  avif: () => import('./avif'),
  av: () => import('./av'),
  'av-segments': () => import('./av-segments'),
  cost: () => import('./cost'),
  notify: () => import('./notify'),
  publish: () => import('./publish'),
  translations: () => import('./translations'),
  lighthouse: () => import('./lighthouse'),
  look: () => import('./look'),
} satisfies Record<string, () => Promise<{ default: () => Promise<void> }>>;

const requested = process.argv.slice(2);
if (requested.includes('--help')) {
  console.log(`Usage: npm run bench [-- ${Object.keys(benches).join(' | ')} …]`);
  process.exit(0);
}
const unknown = requested.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Choose from: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
for (const name of requested.length > 0 ? requested : Object.keys(benches)) {
  const bench = await benches[name as keyof typeof benches]();
  await bench.default();
}

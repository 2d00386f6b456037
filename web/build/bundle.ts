import { relative, resolve } from 'node:path';
import { type BuildOptions, build, type Metafile, type OutputFile } from 'esbuild';
import { contentTypes, EMBED_SCRIPT_CACHE, IMMUTABLE, REVALIDATE, type WebAsset } from './assets';

/** Every browser a school or a parent is likely to use (Safari 14 on old iPads included). */
const TARGET = ['es2020', 'chrome87', 'firefox78', 'safari14'];

const common = {
  bundle: true,
  minify: true,
  write: false,
  metafile: true,
  target: TARGET,
  legalComments: 'none',
  logLevel: 'silent',
} satisfies BuildOptions;

const asset = (path: string, file: OutputFile, cacheControl: string): WebAsset => ({
  path,
  body: file.contents,
  contentType: path.endsWith('.css') ? contentTypes.css : contentTypes.js,
  cacheControl,
});

/**
 * The widget: one classic script (an IIFE, not a module) because school websites paste
 * `<script async src=…>` and the script finds its own tag through `document.currentScript`, which
 * modules do not set.
 */
export async function bundleEmbed(entry: string): Promise<WebAsset> {
  const result = await build({ ...common, entryPoints: [entry], format: 'iife', outfile: 'embed.js' });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild wrote no embed.js');
  return asset('embed.js', file, EMBED_SCRIPT_CACHE);
}

/** The composer's JavaScript and CSS: content-hashed, split so that the recorder loads on demand. */
export interface ComposerBundle {
  assets: WebAsset[];
  /** The entry script and the chunks it imports statically: what the first load must fetch. */
  initialScripts: string[];
  stylesheet: string;
}

/** Entry points and `outdir` are relative to `root`; asset paths are `prefix` + the output's name. */
export async function bundleComposer(options: {
  root: string;
  script: string;
  style: string;
  outdir: string;
  prefix: string;
}): Promise<ComposerBundle> {
  const { root, outdir, prefix } = options;
  const result = await build({
    ...common,
    absWorkingDir: root,
    entryPoints: { app: options.script, style: options.style },
    format: 'esm',
    splitting: true,
    outdir,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
  });
  // Metafile keys are relative to `root`; output files carry absolute paths.
  const pathOf = (key: string) => `${prefix}${relative(resolve(root, outdir), resolve(root, key))}`;
  const outputs = Object.entries(result.metafile.outputs);
  const entryOutput = (entry: string) => outputs.find(([, output]) => output.entryPoint === entry)?.[0];
  const scriptKey = entryOutput(options.script);
  const styleKey = entryOutput(options.style);
  if (!scriptKey || !styleKey) throw new Error('esbuild did not report the composer entry points');
  return {
    assets: result.outputFiles.map((file) => asset(pathOf(file.path), file, IMMUTABLE)),
    initialScripts: staticClosure(result.metafile, scriptKey).map(pathOf),
    stylesheet: pathOf(styleKey),
  };
}

/** An output and every chunk it imports statically, transitively (dynamic imports load later). */
function staticClosure(metafile: Metafile, key: string, seen = new Set<string>()): string[] {
  if (seen.has(key)) return [];
  seen.add(key);
  for (const dependency of metafile.outputs[key]?.imports ?? []) {
    if (dependency.kind === 'import-statement' && !dependency.external) staticClosure(metafile, dependency.path, seen);
  }
  return [...seen];
}

/**
 * The service worker, built last because it embeds the list of files it precaches and a version
 * derived from them: a deploy that changes any file installs a new worker, which drops the old cache.
 */
export async function bundleServiceWorker(entry: string, precache: string[], version: string, path: string) {
  const result = await build({
    ...common,
    entryPoints: [entry],
    format: 'iife',
    outfile: 'sw.js',
    define: { __PRECACHE__: JSON.stringify(precache), __VERSION__: JSON.stringify(version) },
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild wrote no sw.js');
  return asset(path, file, REVALIDATE);
}

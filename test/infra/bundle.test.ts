import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { type BuildOptions, build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { CorridorInfra } from '../../infra/corridor';
import {
  apiBundling,
  bundlingDefaults,
  FACE_ASSETS_DIR,
  FACE_MODEL_FILE,
  faceBundling,
  faceCopyCommands,
  ONNX_RUNTIME,
  onnxRuntimeFiles,
  sharpBundling,
} from '../../infra/lambda';
import { handlerEntries, projectRoot, stubLayerDir, synth } from './synth';

/**
 * The API bundle budget: a cold start loads and parses all of it. 600 kB since the parents' pages speak
 * twelve languages: their catalogues (functions/core/i18n/catalogues, ~127 kB of JSON, mostly non-Latin
 * scripts at 2–3 bytes a character) and intl-messageformat are bundled (was 500 kB; the API was 545 kB
 * with them). Shipping the catalogues beside the bundle and reading only the locale asked for would win
 * most of that back. 750 kB since the operator, school, trust and school-year routes, the admin screens'
 * routes and the school artwork joined the API (723 kB measured); the catalogues step above is the way down.
 * The family-link safety pages' words in all twelve languages and the translation corrections took it to
 * 864 kB with esbuild's default ASCII output (each Urdu, Tamil… character a 6-byte \u escape); bundling
 * as UTF-8 (bundlingDefaults.charset) brings it to 741 kB (655 kB before those words).
 * 775 kB since the public pages speak the twelve languages too (their words, ~19 kB of JSON across the
 * catalogues, and the page chrome; 757.7 kB measured): the renderers ride in the API because a private
 * feed's address rotation re-renders its pages there. The catalogues step is still the way down.
 * A school's logo brought the photo pipeline into the API (744 kB measured on its own, with heic-decode
 * beside it). All of them together: 787.4 kB, so 800 kB — and the catalogues step (each Lambda reading
 * only the locale it renders, the JSON shipped beside the bundle) is the way back under 650 kB.
 * Translated captions on the pages and the parents' error pages in their language went over it (806.5 kB),
 * so the catalogues step was taken: every function reads `catalogues/<locale>.json` from beside its bundle
 * (copied there by bundlingDefaults' afterBundling hook) instead of carrying all twelve in it: 567.2 kB
 * measured, so the budget is 650 kB again.
 */
const API_BUNDLE_LIMIT_BYTES = 650 * 1000;

/** The esbuild options NodejsFunction derives from `bundlingDefaults` (the same options, so what we measure ships). */
const esbuildOptions = (entry: string, external: string[] = []): BuildOptions => ({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  target: bundlingDefaults.target,
  format: bundlingDefaults.format,
  minify: bundlingDefaults.minify,
  charset: bundlingDefaults.charset,
  external: [...bundlingDefaults.externalModules, ...external],
  logLevel: 'silent',
});

async function bundle(entry: string, external: string[] = []) {
  const result = await build({ ...esbuildOptions(entry, external), write: false, metafile: true as const });
  const js = result.outputFiles[0]!;
  return { bytes: js.contents.length, text: js.text, metafile: result.metafile };
}

/** The biggest packages in a bundle, to say what to trim when the budget is exceeded. */
function biggest(metafile: { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> }): string {
  const byPackage: Record<string, number> = {};
  for (const [input, { bytesInOutput }] of Object.entries(Object.values(metafile.outputs)[0]!.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? '(Corridor source)';
    byPackage[name] = (byPackage[name] ?? 0) + bytesInOutput;
  }
  return Object.entries(byPackage)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 5)
    .map(([name, bytes]) => `${name} ${(bytes / 1000).toFixed(0)} kB`)
    .join(', ');
}

const apiEntry = join(projectRoot, 'functions', 'handlers', 'api.ts');
const mediaEntry = join(projectRoot, 'functions', 'handlers', 'media.ts');
if (!existsSync(apiEntry))
  console.warn('test/infra/bundle: API bundle size skipped — functions/handlers/api.ts does not exist yet');
if (!existsSync(mediaEntry))
  console.warn('test/infra/bundle: media bundle check skipped — functions/handlers/media.ts does not exist yet');

describe('bundles (esbuild, node24 target; arm64 does not matter to JavaScript)', () => {
  it.skipIf(!existsSync(apiEntry))(`the API bundle is at most ${API_BUNDLE_LIMIT_BYTES / 1000} kB minified`, async () => {
    // sharp (drawing a school's artwork on a feed rotation) and heic-decode (a school's HEIC logo) are
    // installed beside the bundle, not in it.
    const { bytes, metafile } = await bundle(apiEntry, apiBundling.nodeModules as unknown as string[]);
    console.log(
      `API bundle: ${(bytes / 1000).toFixed(1)} kB minified (limit ${API_BUNDLE_LIMIT_BYTES / 1000} kB); largest: ${biggest(metafile)}`,
    );
    expect(bytes, `API bundle is ${bytes} bytes; largest inputs: ${biggest(metafile)}`).toBeLessThanOrEqual(
      API_BUNDLE_LIMIT_BYTES,
    );
  });

  it('a bundle speaks every language from the catalogues its bundling copies beside it, and carries none itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corridor-catalogues-'));
    try {
      const entry = join(dir, 'entry.ts');
      writeFileSync(
        entry,
        `import { t } from ${JSON.stringify(join(projectRoot, 'functions/core/i18n/messages.ts'))};
console.log(JSON.stringify([t('pl', 'digest.pushMany', { count: 5 }), t('ur', 'error.notFoundTitle'), t('cy', 'digest.pushMany', { count: 2 })]));`,
      );
      const result = await build({ ...esbuildOptions(entry), outfile: join(dir, 'out', 'index.js') });
      expect(result.errors).toEqual([]);
      const bundled = readFileSync(join(dir, 'out', 'index.js'), 'utf8');
      expect(bundled).not.toContain('nowych wpisów');
      // What NodejsFunction runs after bundling, in the same shell.
      for (const command of bundlingDefaults.commandHooks.afterBundling(projectRoot, join(dir, 'out'))) execSync(command);
      const words = JSON.parse(execFileSync(process.execPath, [join(dir, 'out', 'index.js')], { encoding: 'utf8' }));
      expect(words).toEqual(['Dziś: 5 nowych wpisów', 'نہیں ملا', expect.stringContaining('2')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync(mediaEntry))(
    'the media worker bundle leaves sharp to node_modules (a native module cannot be bundled)',
    async () => {
      const { text } = await bundle(mediaEntry, sharpBundling.nodeModules as unknown as string[]);
      // Either sharp is required at run time (installed by nodeModules), or the code does not use it yet.
      const mentionsSharp = /require\("sharp"\)/.test(text);
      const importsSharp = readFileSync(join(projectRoot, 'functions', 'core', 'media', 'image', 'process.ts'), 'utf8').includes(
        "from 'sharp'",
      );
      expect(mentionsSharp).toBe(importsSharp);
    },
  );
});

/** Lambda's limit on a function's code, unzipped (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
const LAMBDA_UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024;

/** Bytes of every file under a folder. */
function folderBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.size;
  return readdirSync(path).reduce((sum, name) => sum + folderBytes(join(path, name)), 0);
}

describe('the face detector in the media workers (issue 19)', () => {
  /** What the media workers' esbuild leaves out besides bundlingDefaults' (ONNX Runtime, copied): sharp, installed. */
  const mediaExternal = sharpBundling.nodeModules as unknown as string[];

  it.skipIf(!existsSync(mediaEntry))(
    'the media worker asset (bundle, model, ONNX Runtime for linux-arm64, sharp) is within Lambda limits; the API carries none of it',
    async () => {
      expect(faceBundling.externalModules).toContain(ONNX_RUNTIME);
      expect(faceBundling.nodeModules).toEqual(['sharp']);
      const media = await bundle(mediaEntry, mediaExternal);
      // ONNX Runtime is required at run time from the copied files, not bundled; the model is read from disk.
      // (Booleans, not the text: a failure would print the whole bundle.)
      expect(/(?:import|require)\("onnxruntime-node"\)/.test(media.text), 'loads onnxruntime-node at run time').toBe(true);
      expect(media.text.includes('yunet.onnx'), 'reads the model by name').toBe(true);
      expect(media.text.includes('InferenceSession.create=') || media.text.includes('blazeface'), 'bundles no runtime').toBe(
        false,
      );
      // What the bundling hook copies, as Lambda gets it: the linux-arm64 binding and libonnxruntime.so.
      const copied = onnxRuntimeFiles('arm64').map((file) => folderBytes(join(projectRoot, file)));
      const runtime = copied.reduce((sum, bytes) => sum + bytes, 0);
      expect(Math.min(...copied), 'every copied ONNX Runtime file exists').toBeGreaterThan(0);
      const arm = join(projectRoot, 'node_modules', ONNX_RUNTIME, 'bin', 'napi-v6', 'linux', 'arm64');
      expect(readdirSync(arm).sort()).toEqual(['libonnxruntime.so.1', 'onnxruntime_binding.node']);
      const model = statSync(join(projectRoot, FACE_MODEL_FILE)).size;
      // sharp as `npm ci` installs it (this machine's build stands in for linux-arm64's, of about the same size).
      const sharp =
        folderBytes(join(projectRoot, 'node_modules', 'sharp')) + folderBytes(join(projectRoot, 'node_modules', '@img'));
      const total = media.bytes + model + runtime + sharp;
      console.log(
        `media worker: bundle ${(media.bytes / 1e6).toFixed(1)} MB + model ${(model / 1e6).toFixed(2)} MB + ONNX Runtime ` +
          `linux-arm64 ${(runtime / 1e6).toFixed(1)} MB + sharp ${(sharp / 1e6).toFixed(1)} MB = ${(total / 1e6).toFixed(1)} MB ` +
          `unzipped (limit ${LAMBDA_UNZIPPED_LIMIT_BYTES / 1024 / 1024} MiB)`,
      );
      expect(total).toBeLessThan(LAMBDA_UNZIPPED_LIMIT_BYTES);
      const api = await bundle(apiEntry, apiBundling.nodeModules as unknown as string[]);
      expect(api.text.includes('onnxruntime') || api.text.includes('yunet.onnx'), 'API carries the detector').toBe(false);
    },
  );

  it('the bundled detector finds the faces of a group photo from the copied files alone, as on Lambda', async () => {
    // The detector bundled exactly as the workers are (same esbuild options, ONNX Runtime external), its
    // files copied by the bundling hook's own commands (this machine's architecture instead of arm64),
    // then run in a fresh Node with the Lambda environment, in a folder outside the project: ONNX Runtime
    // can only come from the copied files. sharp stays external and is linked in, as `npm ci` installs it.
    const out = mkdtempSync(join(tmpdir(), 'corridor-face-bundle-'));
    try {
      for (const command of faceCopyCommands(projectRoot, out, process.arch as 'arm64' | 'x64')) execSync(command);
      for (const linked of ['sharp', '@img'])
        symlinkSync(join(projectRoot, 'node_modules', linked), join(out, 'node_modules', linked), 'dir');
      await build({
        stdin: {
          contents: `import { readFileSync } from 'node:fs';
import { detectFaces } from './functions/core/media/faces/detect';
import { decodeUpright } from './functions/core/media/image/decode';
const path = process.argv.at(-1);
// The model folder, as the workers get it (Config.faceModelDir, from the variable the stack sets).
decodeUpright(readFileSync(path), 'jpeg', 2048).then((image) => detectFaces(image, process.env.CORRIDOR_FACE_ASSETS)).then((faces) => console.log(faces.length));`,
          resolveDir: projectRoot,
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        target: bundlingDefaults.target,
        format: bundlingDefaults.format,
        minify: bundlingDefaults.minify,
        external: [...faceBundling.externalModules, ...(sharpBundling.nodeModules as unknown as string[])],
        // .cjs: the repository's package.json says ESM; on Lambda the asset has no package.json.
        outfile: join(out, 'index.cjs'),
        logLevel: 'silent',
      });
      const photo = join(projectRoot, 'test', 'corpus', 'group_faces_window.jpg');
      const found = execFileSync(process.execPath, [join(out, 'index.cjs'), photo], {
        cwd: out,
        encoding: 'utf8',
        env: { ...process.env, AWS_LAMBDA_FUNCTION_NAME: 'bundle-test', CORRIDOR_FACE_ASSETS: join(out, FACE_ASSETS_DIR) },
      });
      expect(Number(found.trim().split('\n').at(-1))).toBeGreaterThanOrEqual(4);
      // Only the copied files were there to load: no other onnxruntime-node up the folders from `out`.
      expect(existsSync(join(tmpdir(), 'node_modules', ONNX_RUNTIME))).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('the workers that draw pictures ship sharp for linux-arm64', () => {
  const { infra } = synth();

  it('each NodejsFunction declares sharp in nodeModules and npm_config_os/cpu/libc for linux-arm64 glibc', () => {
    // The media workers process photos and posters; the API and fan-out draw a school's podcast artwork.
    // The API also runs a school's logo through the photo pipeline: heic-decode ships beside its bundle.
    for (const worker of [infra.functions.image, infra.functions.av, infra.functions.api, infra.functions.fanout]) {
      expect(worker.bundling.nodeModules).toEqual(worker === infra.functions.api ? ['sharp', 'heic-decode'] : ['sharp']);
      expect(worker.bundling.environment).toEqual({ npm_config_os: 'linux', npm_config_cpu: 'arm64', npm_config_libc: 'glibc' });
      expect(worker.bundling.format).toBe(bundlingDefaults.format);
      expect(worker.bundling.target).toBe('node24');
    }
    // Nothing else drags a native module along.
    for (const other of [infra.functions.sweeper, infra.functions.router]) {
      expect(other.bundling.nodeModules).toBeUndefined();
    }
  });

  it('the lockfile holds the linux-arm64 glibc binaries at the versions this sharp asks for', () => {
    const sharp = JSON.parse(readFileSync(join(projectRoot, 'node_modules', 'sharp', 'package.json'), 'utf8')) as {
      version: string;
      optionalDependencies: Record<string, string>;
    };
    const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string; os?: string[]; cpu?: string[]; libc?: string[] }>;
    };
    expect(lock.packages['node_modules/sharp']?.version).toBe(sharp.version);
    for (const name of ['@img/sharp-linux-arm64', '@img/sharp-libvips-linux-arm64']) {
      const wanted = sharp.optionalDependencies[name];
      const locked = lock.packages[`node_modules/${name}`];
      expect(wanted, `${name} in sharp's optionalDependencies`).toBeDefined();
      expect(locked, `${name} in package-lock.json (npm ci installs from it)`).toBeDefined();
      expect(locked!.version).toBe(wanted);
      expect(locked!.os).toEqual(['linux']);
      expect(locked!.cpu).toEqual(['arm64']);
      expect(locked!.libc ?? ['glibc']).toEqual(['glibc']);
    }
  });
});

/**
 * The real thing: CDK bundles the image worker exactly as `sst deploy` would (esbuild, then `npm ci` of
 * sharp for linux-arm64 from the registry, ~15 s), and the asset must contain sharp's linux-arm64 binding
 * and libvips. Machines without the npm registry skip it with CORRIDOR_BUNDLE_SHARP=0.
 */
describe.skipIf(process.env.CORRIDOR_BUNDLE_SHARP === '0')(
  'image worker asset, bundled for real (CORRIDOR_BUNDLE_SHARP=0 skips it offline)',
  () => {
    it('contains @img/sharp-linux-arm64 and @img/sharp-libvips-linux-arm64', { timeout: 600_000 }, () => {
      const outdir = mkdtempSync(join(tmpdir(), 'corridor-bundle-'));
      try {
        // Bundle only the image worker's stack: no bundling-stacks context, so CDK runs esbuild + npm ci.
        const app = new App({ outdir });
        const stack = new Stack(app, 'Bundle', { env: { account: '123456789012', region: 'eu-west-2' } });
        new CorridorInfra(stack, 'Corridor', {
          stage: 'bundle',
          email: { domain: 'mail.example.org' },
          ffmpegLayerDir: stubLayerDir,
          verifyFfmpegLayer: false,
          projectRoot,
          entries: handlerEntries().entries,
        });
        app.synth();
        const imageAsset = readdirSync(outdir)
          .filter((d) => d.startsWith('asset.'))
          .map((d) => join(outdir, d))
          .find(
            (d) => existsSync(join(d, 'node_modules', 'sharp')) && readFileSync(join(d, 'index.js'), 'utf8').includes('sharp'),
          );
        expect(imageAsset, 'an asset with node_modules/sharp').toBeDefined();
        const img = join(imageAsset!, 'node_modules', '@img');
        const installed = readdirSync(img);
        expect(installed).toEqual(expect.arrayContaining(['sharp-libvips-linux-arm64', 'sharp-linux-arm64']));
        // Only the target's binaries: none for the machine that happened to run the deploy.
        const target = ['sharp-linux-arm64', 'sharp-libvips-linux-arm64'];
        expect(installed.filter((name) => name.startsWith('sharp-') && !target.includes(name))).toEqual([]);
        // The native binding itself (named with sharp's version, e.g. sharp-linux-arm64-0.35.5.node).
        expect(
          readdirSync(join(img, 'sharp-linux-arm64', 'lib')).filter((f) => /^sharp-linux-arm64.*\.node$/.test(f)),
        ).toHaveLength(1);
        // The media workers' assets carry the face model and ONNX Runtime for linux-arm64 only, within the limit.
        const faceAssets = readdirSync(outdir)
          .filter((d) => d.startsWith('asset.'))
          .map((d) => join(outdir, d))
          .filter((d) => existsSync(join(d, FACE_ASSETS_DIR, 'yunet.onnx')));
        expect(faceAssets.length, 'media.ts (the image and av workers share it) and segments.ts').toBe(2);
        for (const asset of faceAssets) {
          const linux = join(asset, 'node_modules', ONNX_RUNTIME, 'bin', 'napi-v6', 'linux');
          expect(readdirSync(linux)).toEqual(['arm64']);
          expect(readdirSync(join(linux, 'arm64')).sort()).toEqual(['libonnxruntime.so.1', 'onnxruntime_binding.node']);
          expect(existsSync(join(asset, 'node_modules', 'onnxruntime-common', 'dist', 'cjs', 'index.js'))).toBe(true);
          const unzipped = folderBytes(asset);
          console.log(`media worker asset as CDK built it: ${(unzipped / 1e6).toFixed(1)} MB unzipped`);
          expect(unzipped).toBeLessThan(LAMBDA_UNZIPPED_LIMIT_BYTES);
        }
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    });
  },
);

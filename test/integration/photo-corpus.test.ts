import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import { corpusDir, corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';

const run = promisify(execFile);

/** Every image in the shared corpus of real phone media, by what its name says it is. */
const imageTypes: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.heic': 'image/heic',
  '.heif': 'image/heif',
};
const BROKEN = new Set(['jpeg_truncated.jpg', 'jpeg_corrupt_header.jpg']);
const ORIENTATIONS = [0, 1, 2, 3, 4, 5, 6, 7, 8];

interface FeedMedia {
  alt: string;
  width: number;
  height: number;
  placeholder?: string;
  dominant_color?: string;
  outputs: { url: string; mime_type: string; width?: number; height?: number }[];
}
interface JsonFeed {
  items: { id: string; _corridor: { media: FeedMedia[] } }[];
}

let corridor: TestCorridor;
let files: string[];
const posts = new Map<string, PostView>();
const published = new Map<string, FeedMedia>();

beforeAll(async () => {
  corridor = await startTestCorridor();
  files = (await readdir(corpusDir)).filter((name) => extname(name) in imageTypes).sort();
  // Every file its own post, all uploaded at once (as a busy school would), then processed.
  const created = await Promise.all(
    files.map((name) =>
      corridor.post({
        audience: 'public',
        caption: name,
        files: [{ path: corpusPath(name), contentType: imageTypes[extname(name)], alt: `alt text of ${name}` }],
        noWait: true,
      }),
    ),
  );
  await corridor.local.idle();
  const feed = (await (await corridor.fetch('/s/demo/feed.json')).json()) as JsonFeed;
  for (const [i, name] of files.entries()) {
    const id = created[i]?.id ?? '';
    posts.set(name, (await corridor.api<{ post: PostView }>('GET', `/api/posts/${id}`)).body.post);
    const item = feed.items.find((entry) => entry.id.endsWith(`/p/${id}`));
    if (item?._corridor.media[0]) published.set(name, item._corridor.media[0]);
  }
  // ~40 photos at once; AVIF (issue 20) about doubles each photo's CPU, so a loaded 2-core machine needs longer.
}, 420_000);
afterAll(() => corridor?.stop());

const largestJpeg = (media: FeedMedia) =>
  media.outputs.filter((o) => o.mime_type === 'image/jpeg').sort((a, b) => (b.width ?? 0) - (a.width ?? 0))[0];
const smallestJpeg = (media: FeedMedia) =>
  media.outputs.filter((o) => o.mime_type === 'image/jpeg').sort((a, b) => (a.width ?? 0) - (b.width ?? 0))[0];

describe('every image of the corpus', () => {
  it('is published with every variant, or (the two broken JPEGs) refused as damaged', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const name of files) {
      const post = posts.get(name);
      if (BROKEN.has(name)) {
        expect(post?.state, name).toBe('failed');
        expect(post?.media[0]?.failure?.code, name).toBe('damaged');
        expect(post?.failure?.message, name).toContain('This file is damaged');
        continue;
      }
      expect(post?.state, `${name}: ${post?.failure?.message}`).toBe('published');
      const media = published.get(name);
      expect(media, name).toBeDefined();
      if (!media) continue;
      expect(media.alt).toBe(`alt text of ${name}`);
      expect(media.placeholder, name).toMatch(/^[A-Za-z0-9+/]{16,}={0,2}$/);
      expect(media.dominant_color, name).toMatch(/^#[0-9a-f]{6}$/);
      const widths = [...new Set(media.outputs.map((o) => o.width))];
      const expected = [320, 640, 1080, 1280, 2048].filter((w) => w < media.width);
      if (media.width <= 2048) expected.push(media.width);
      // Animations are published at the small widths only.
      if (name.endsWith('.gif')) expect(widths.sort()).toEqual([media.width]);
      else
        expect(
          widths.sort((a, b) => (a ?? 0) - (b ?? 0)),
          name,
        ).toEqual(expected.slice(0, 5).sort((a, b) => a - b));
      for (const width of widths) {
        // AVIF only where it is smaller than the WebP (next test); never for an animation.
        const types = media.outputs.filter((o) => o.width === width && o.mime_type !== 'image/avif').map((o) => o.mime_type);
        expect(types.sort(), `${name} @${width}`).toEqual(['image/jpeg', 'image/webp']);
        if (name.endsWith('.gif')) expect(media.outputs.some((o) => o.mime_type === 'image/avif')).toBe(false);
      }
    }
  });

  it('carries no GPS, camera make/model, device name or maker notes in any output (exiftool)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'corridor-outputs-'));
    try {
      let count = 0;
      for (const media of published.values()) {
        for (const output of media.outputs) {
          const bytes = Buffer.from(await (await fetch(output.url)).arrayBuffer());
          await writeFile(join(dir, `${count++}.${output.mime_type.split('/')[1]}`), bytes);
        }
      }
      expect(count).toBeGreaterThan(200);
      const { stdout } = await run('exiftool', ['-json', '-a', '-G1', dir], { maxBuffer: 64 * 1024 * 1024 });
      const tags = (JSON.parse(stdout) as Record<string, unknown>[]).flatMap((file) => Object.keys(file));
      expect(tags.length).toBeGreaterThan(count);
      const leaks = tags.filter((tag) =>
        /^(GPS|ExifIFD|IFD0|IFD1|XMP|IPTC|MakerNotes|Apple|Samsung|Google|Canon)|:(Make|Model|DeviceName|SerialNumber|Software|OwnerName|LensModel|GPS)/.test(
          tag,
        ),
      );
      expect([...new Set(leaks)]).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  /** An 8×8 greyscale thumbnail: enough to tell a picture from its rotation or mirror image. */
  async function fingerprint(url: string): Promise<number[]> {
    const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
    return [...(await sharp(bytes).resize(8, 8, { fit: 'fill' }).greyscale().raw().toBuffer())];
  }
  const distance = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + Math.abs(v - (b[i] ?? 0)), 0) / a.length;

  it.each(['landscape', 'portrait'])('turns all nine %s orientation samples upright, matching orientation 1', async (shape) => {
    const reference = published.get(`orient_${shape}_1.jpg`);
    if (!reference) throw new Error('no reference sample');
    const referencePrint = await fingerprint(smallestJpeg(reference)?.url ?? '');
    // The judge must be able to tell: the reference turned upside down is far from itself.
    const upsideDown = [...referencePrint].reverse();
    expect(distance(referencePrint, upsideDown)).toBeGreaterThan(20);
    for (const orientation of ORIENTATIONS) {
      const media = published.get(`orient_${shape}_${orientation}.jpg`);
      if (!media) throw new Error(`orientation ${orientation} missing`);
      expect(media.width > media.height, `${shape} ${orientation}`).toBe(shape === 'landscape');
      const print = await fingerprint(smallestJpeg(media)?.url ?? '');
      expect(distance(print, referencePrint), `${shape} ${orientation}`).toBeLessThan(12);
    }
  });

  it('offers AVIF beside the WebP of every real phone photo, at every width up to 1,280 px, smaller, and the same picture', async () => {
    const photos = files.filter((name) => /^(photo|heic|heif|orient)_/.test(name) && !BROKEN.has(name));
    expect(photos.length).toBeGreaterThanOrEqual(20);
    // Every photo at once: ~100 variants fetched and decoded.
    await Promise.all(
      photos.map(async (name) => {
        const media = published.get(name);
        if (!media) throw new Error(`${name} not published`);
        for (const avif of media.outputs.filter((o) => o.mime_type === 'image/avif')) {
          const webp = media.outputs.find((o) => o.mime_type === 'image/webp' && o.width === avif.width);
          const jpeg = media.outputs.find((o) => o.mime_type === 'image/jpeg' && o.width === avif.width);
          const bytes = Buffer.from(await (await fetch(avif.url)).arrayBuffer());
          const webpBytes = (await (await fetch(webp?.url ?? '')).arrayBuffer()).byteLength;
          expect(bytes.length, `${name} @${avif.width}`).toBeLessThan(webpBytes);
          // Decoded by libheif (sharp) as AV1 in HEIF, at the declared size, and the same picture as the JPEG
          // (an 8×8 print: the orientation test's pictures differ by > 20 when turned, the same one by < 12).
          const decoded = await sharp(bytes).metadata();
          expect([decoded.format, decoded.compression, decoded.width, decoded.height]).toEqual([
            'heif',
            'av1',
            avif.width,
            avif.height,
          ]);
          expect(
            distance(await fingerprint(avif.url), await fingerprint(jpeg?.url ?? '')),
            `${name} @${avif.width}`,
          ).toBeLessThan(8);
        }
        const widths = media.outputs.filter((o) => o.mime_type === 'image/avif').map((o) => o.width);
        const webpWidths = media.outputs
          .filter((o) => o.mime_type === 'image/webp' && (o.width ?? 0) <= 1280)
          .map((o) => o.width);
        // Real photos: AVIF is smaller at every width it is made at (only flat, tiny pictures sometimes are not).
        expect(widths.sort(), name).toEqual(webpWidths.sort());
      }),
    );
  }, 180_000);

  it('publishes both iPhone HEICs and the Android HEIF upright (no double rotation)', async () => {
    for (const [name, portrait] of [
      ['heic_iphone13promax_orient6.heic', true],
      ['heic_iphone8_gps.heic', false],
      ['heif_android_nokia83_gps.heif', false],
    ] as const) {
      const media = published.get(name);
      if (!media) throw new Error(`${name} not published`);
      const largest = largestJpeg(media);
      const decoded = await sharp(Buffer.from(await (await fetch(largest?.url ?? '')).arrayBuffer())).metadata();
      expect(decoded.height > decoded.width, name).toBe(portrait);
      expect(decoded.width, name).toBe(2048);
    }
  });

  it('keeps an animated GIF moving (animated WebP) with a still JPEG beside it', async () => {
    const media = published.get('gif_animated_rotating_squares.gif');
    const webp = media?.outputs.find((o) => o.mime_type === 'image/webp');
    const jpeg = media?.outputs.find((o) => o.mime_type === 'image/jpeg');
    const animated = await sharp(Buffer.from(await (await fetch(webp?.url ?? '')).arrayBuffer()), { animated: true }).metadata();
    // libwebp merges identical consecutive frames into longer ones: the motion and its timing remain.
    const source = await sharp(await readFile(corpusPath('gif_animated_rotating_squares.gif')), { animated: true }).metadata();
    const total = (delays: number[] | undefined) => (delays ?? []).reduce((sum, d) => sum + d, 0);
    expect(animated.pages).toBeGreaterThan(1);
    expect(total(animated.delay)).toBe(total(source.delay));
    const still = await sharp(Buffer.from(await (await fetch(jpeg?.url ?? '')).arrayBuffer())).metadata();
    expect(still.format).toBe('jpeg');
  });

  it('deletes every original upload once processed', async () => {
    const listed = await corridor.local.deps.clients.s3.send(
      new (await import('@aws-sdk/client-s3')).ListObjectsV2Command({ Bucket: corridor.local.deps.config.incomingBucket }),
    );
    expect(listed.KeyCount ?? 0).toBe(0);
  });
});

describe('a multi-photo post', () => {
  it('is a gallery in the given order on every channel: page, post page, JSON Feed and RSS', async () => {
    const names = ['orient_landscape_1.jpg', 'orient_portrait_3.jpg', 'png_exif_gps_1x1.png', 'orient_landscape_8.jpg'];
    const post = await corridor.post({
      audience: 'public',
      caption: 'Gallery',
      files: names.map((name, i) => ({ path: corpusPath(name), contentType: imageTypes[extname(name)], alt: `photo ${i + 1}` })),
    });
    expect(post.state).toBe('published');
    const alts = names.map((_, i) => `photo ${i + 1}`);
    const feed = (await (await corridor.fetch('/s/demo/feed.json')).json()) as JsonFeed;
    const item = feed.items.find((entry) => entry.id === post.url);
    expect(item?._corridor.media.map((m) => m.alt)).toEqual(alts);
    const order = (text: string) => alts.map((alt) => text.indexOf(`"${alt}"`));
    for (const path of ['/s/demo', `/p/${post.id}`]) {
      const positions = order(await (await corridor.fetch(path)).text());
      expect(
        positions.every((p) => p > 0),
        path,
      ).toBe(true);
      expect(
        [...positions].sort((a, b) => a - b),
        path,
      ).toEqual(positions);
    }
    const rss = await (await corridor.fetch('/s/demo/rss.xml')).text();
    const described = alts.map((alt) => rss.indexOf(`<media:description type="plain">${alt}</media:description>`));
    expect(described.every((p) => p > 0)).toBe(true);
    expect([...described].sort((a, b) => a - b)).toEqual(described);
  });

  it('refuses more than 20 files, in words', async () => {
    const response = await corridor.api<{ error: { message: string } }>('POST', '/api/posts', {
      idempotencyKey: crypto.randomUUID(),
      audience: 'public',
      media: Array.from({ length: 21 }, () => ({ contentType: 'image/jpeg', bytes: 1000 })),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/20/);
  });
});

/** A valid PNG header declaring `width`×`height`, with one tiny (wrong) IDAT: a decompression bomb. */
async function bombPng(width: number, height: number): Promise<Buffer> {
  const small = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
  const bomb = Buffer.from(small);
  bomb.writeUInt32BE(width, 16);
  bomb.writeUInt32BE(height, 20);
  // Fix the IHDR CRC so the header is valid and only the size is hostile.
  const { crc32 } = await import('node:zlib');
  bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
  return bomb;
}

describe('hostile and mistaken uploads', () => {
  it('refuses a decompression bomb, a web page named .jpg and an SVG by name, and keeps serving', async () => {
    const cases = [
      {
        name: 'bomb.png',
        bytes: await bombPng(50_000, 50_000),
        type: 'image/png',
        code: 'too_many_pixels',
        words: 'too many pixels',
      },
      {
        name: 'page.jpg',
        bytes: Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>'),
        type: 'image/jpeg',
        code: 'unsupported',
        words: 'this is a web page, not a photo',
      },
      {
        name: 'drawing.jpg',
        bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        type: 'image/jpeg',
        code: 'unsupported',
        words: 'SVG drawings are not accepted',
      },
    ];
    const results = await Promise.all(
      cases.map((c) => corridor.post({ audience: 'public', caption: c.name, files: [{ bytes: c.bytes, contentType: c.type }] })),
    );
    for (const [i, c] of cases.entries()) {
      expect(results[i]?.state, c.name).toBe('failed');
      expect(results[i]?.media[0]?.failure?.code, c.name).toBe(c.code);
      expect(results[i]?.failure?.message, c.name).toContain(c.words);
    }
    const good = await corridor.post({ audience: 'public', files: [{ path: corpusPath('orient_portrait_6.jpg') }] });
    expect(good.state).toBe('published');
  });

  it('refuses a zero-byte file before any upload, in words', async () => {
    const response = await corridor.api<{ error: { message: string } }>('POST', '/api/posts', {
      idempotencyKey: crypto.randomUUID(),
      audience: 'public',
      media: [{ contentType: 'image/jpeg', bytes: 0 }],
    });
    expect(response.status).toBe(400);
    // In a teacher's words, not the validator's ("Too small: expected number to be >0").
    expect(response.body.error.message).toContain('File 1 is empty — please choose the photo or recording again.');
  });

  it('refuses a zero-byte object that reached storage as empty', async () => {
    const { sniff } = await import('../../functions/core/media/sniff');
    expect(() => sniff(Buffer.alloc(0))).toThrow(/This file is empty/);
    expect(await readFile(corpusPath('png_exif_gps_1x1.png')).then((b) => sniff(b).format)).toBe('png');
  });
});

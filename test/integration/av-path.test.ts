import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import type { MultipartInstruction } from '../../functions/core/media/multipart';
import type { UploadInstruction } from '../../functions/core/media/upload-instruction';
import { ffprobe, metadataLeaks } from '../helpers/av-judges';
import { launchChromium } from '../helpers/browser';
import { corpusDir, corpusPath } from '../helpers/corpus';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { parseWithFeedparser } from '../helpers/feed-judges';
import { listPostMediaKeys } from '../helpers/site-state';

const run = promisify(execFile);

/** Every recording in the shared corpus of real phone media, with the type a phone would declare. */
const avTypes: Record<string, string> = {
  '.mov': 'video/quicktime',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.3gp': 'video/3gpp',
  '.m4a': 'audio/mp4',
  '.mp3': 'audio/mpeg',
  '.opus': 'audio/ogg',
  '.wav': 'audio/wav',
  '.amr': 'audio/amr',
};
/** Upright display size of each rotated or oversized phone clip after processing. */
const expectedVideoSize: Record<string, [number, number]> = {
  'video_iphone6_h264_rot90_gps.mov': [320, 568],
  'video_3gp5_h264_rot90.mp4': [720, 1280],
  'video_android6_h264_gps.mp4': [1280, 720],
};

interface FeedMedia {
  kind: string;
  duration_in_seconds?: number;
  outputs: { url: string; mime_type: string; role: string; size_in_bytes: number }[];
}
interface JsonFeed {
  items: {
    id: string;
    attachments?: { url: string; mime_type: string; size_in_bytes?: number; duration_in_seconds?: number }[];
    _corridor: { media: FeedMedia[] };
  }[];
}

let corridor: TestCorridor;
let files: string[];
const posts = new Map<string, PostView>();

async function download(url: string, dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, Buffer.from(await (await fetch(url)).arrayBuffer()));
  return path;
}

beforeAll(async () => {
  corridor = await startTestCorridor();
  files = (await readdir(corpusDir)).filter((name) => extname(name) in avTypes).sort();
  const created = await Promise.all(
    files.map((name) =>
      corridor.post({
        audience: 'public',
        caption: `${name} #newsletter`,
        files: [{ path: corpusPath(name), contentType: avTypes[extname(name)], alt: `recording ${name}` }],
        noWait: true,
      }),
    ),
  );
  await corridor.local.idle();
  for (const [i, name] of files.entries()) {
    posts.set(name, (await corridor.api<{ post: PostView }>('GET', `/api/posts/${created[i]?.id}`)).body.post);
  }
}, 300_000);
afterAll(() => corridor?.stop());

describe('every recording of the corpus, through the API', () => {
  it('publishes playable media (or fails with a named reason), rotated clips upright', async () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    const dir = await mkdtemp(join(tmpdir(), 'corridor-av-'));
    try {
      for (const name of files) {
        const post = posts.get(name);
        expect(post?.state, `${name}: ${post?.failure?.message}`).toBe('published');
        const media = post?.media[0];
        expect(media?.state).toBe('ready');
        expect(media?.progress).toBe(100);
        expect(media?.durationSeconds, name).toBeGreaterThan(0);
        const feed = (await (await corridor.fetch('/s/demo/feed.json')).json()) as JsonFeed;
        const item = feed.items.find((entry) => entry.id === post?.url);
        const published = item?._corridor.media[0];
        const main = published?.outputs.find((o) => o.role === 'video' || o.role === 'audio');
        if (!main) throw new Error(`${name}: no playable output`);
        const probe = await ffprobe(await download(main.url, dir, `${name}.${main.mime_type === 'video/mp4' ? 'mp4' : 'm4a'}`));
        const video = probe.streams.find((s) => s.codec_type === 'video');
        const audio = probe.streams.find((s) => s.codec_type === 'audio');
        if (published?.kind === 'video') {
          expect(video?.codec_name, name).toBe('h264');
          expect(
            video?.side_data_list?.some((d) => d.rotation),
            `${name} keeps a rotation flag`,
          ).toBeFalsy();
          const expected = expectedVideoSize[name];
          if (expected) expect([video?.width, video?.height], name).toEqual(expected);
          expect(Math.max(video?.width ?? 0, video?.height ?? 0), name).toBeLessThanOrEqual(1280);
        } else {
          expect(video, name).toBeUndefined();
          expect(audio?.codec_name, name).toBe('aac');
        }
        expect(Math.abs(Number(probe.format.duration) - (media?.durationSeconds ?? 0)), name).toBeLessThan(0.5);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves no location, device make/model/name or creation software in any output (exiftool, ffprobe)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'corridor-av-meta-'));
    try {
      const feed = (await (await corridor.fetch('/s/demo/feed.json')).json()) as JsonFeed;
      const paths: string[] = [];
      for (const item of feed.items) {
        for (const output of item._corridor.media.flatMap((m) => m.outputs)) {
          const ext = {
            'video/mp4': 'mp4',
            'audio/mp4': 'm4a',
            'image/jpeg': 'jpg',
            'image/webp': 'webp',
            'image/avif': 'avif',
            'application/json': 'json',
          }[output.mime_type];
          if (!ext || ext === 'json') continue;
          paths.push(await download(output.url, dir, `${paths.length}.${ext}`));
        }
      }
      expect(paths.length).toBeGreaterThan(files.length);
      const leaks = await metadataLeaks(paths);
      expect(leaks).toEqual([]);
      for (const path of paths.filter((p) => /\.(mp4|m4a)$/.test(p))) {
        const probe = await ffprobe(path);
        const tags = JSON.stringify([probe.format.tags ?? {}, ...probe.streams.map((s) => s.tags ?? {})]);
        expect(tags, path).not.toMatch(/location|ISO6709|make|model|iPhone|Android|com\.apple|com\.android/i);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves RSS an audio newsletter plays from: enclosure url, type and length right, ranges answered 206', async () => {
    const name = 'audio_iphone_voice_memo.m4a';
    const post = posts.get(name);
    const feed = await parseWithFeedparser(await (await corridor.fetch('/s/demo/rss.xml')).text());
    expect(feed.bozo, feed.bozoException).toBe(false);
    const entry = feed.entries.find((e) => e.id === post?.url);
    const enclosure = entry?.enclosures[0];
    expect(enclosure?.type).toBe('audio/x-m4a'); // what Apple documents for .m4a
    const response = await fetch(enclosure?.href ?? '');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(Number(enclosure?.length)).toBe(bytes.length);
    const ranged = await fetch(enclosure?.href ?? '', { headers: { range: 'bytes=0-99' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 0-99/${bytes.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(0, 100))).toBe(true);
    const json = (await (await corridor.fetch('/s/demo/feed.json')).json()) as JsonFeed;
    const attachment = json.items.find((i) => i.id === post?.url)?.attachments?.[0];
    expect(attachment?.size_in_bytes).toBe(bytes.length);
    expect(attachment?.duration_in_seconds).toBeGreaterThan(0);
  });

  it('plays audio and video from the post page in Chromium, durations matching ffprobe, with captions', async () => {
    const captioned = await corridor.post({
      audience: 'public',
      caption: 'Our newsletter, with captions',
      files: [
        {
          path: corpusPath('video_3gp5_h264_rot90.mp4'),
          contentType: 'video/mp4',
          captions: 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nWelcome to <b>Year 2</b> & friends\n',
        },
      ],
    });
    expect(captioned.state).toBe('published');
    const browser = await launchChromium();
    const dir = await mkdtemp(join(tmpdir(), 'corridor-play-'));
    try {
      const page = await browser.newPage();
      for (const [name, selector, url] of [
        ['video_iphone6_h264_rot90_gps.mov', 'video', posts.get('video_iphone6_h264_rot90_gps.mov')?.url],
        ['audio_opus_mono.opus', 'audio', posts.get('audio_opus_mono.opus')?.url],
        ['video_3gp5_h264_rot90.mp4', 'video', captioned.url],
      ] as const) {
        await page.goto(url ?? '');
        const element = page.locator(`main ${selector}`).first();
        await element.evaluate((media: HTMLMediaElement) => {
          media.muted = true;
          media.load();
        });
        await page.waitForFunction(
          (sel) => (document.querySelector(`main ${sel}`) as HTMLMediaElement).readyState >= 2,
          selector,
          {
            timeout: 20_000,
          },
        );
        const duration = await element.evaluate((media: HTMLMediaElement) => media.duration);
        const src = await element.evaluate((media: HTMLMediaElement) => media.currentSrc);
        const probed = Number((await ffprobe(await download(src, dir, `${name}.out`))).format.duration);
        expect(Math.abs(duration - probed), name).toBeLessThan(0.5);
      }
      // The captioned video's track loads its cue, as text (the <b> is WebVTT markup, never page HTML).
      const cue = await page.waitForFunction(
        () => {
          const track = document.querySelector('main video')?.querySelector('track') as HTMLTrackElement | null;
          if (track) track.track.mode = 'showing';
          const cueText = (track?.track.cues?.[0] as VTTCue | undefined)?.text;
          return cueText ?? false;
        },
        undefined,
        { timeout: 10_000 },
      );
      expect(await cue.jsonValue()).toBe('Welcome to <b>Year 2</b> & friends');
      expect(await page.locator('main b').count()).toBe(0);
    } finally {
      await browser.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a worker that crashes mid-job', () => {
  it.each(['media:after-claim', 'media:after-store'] as const)(
    'is retried after crashing at %s and publishes once',
    async (point) => {
      let crashes = 0;
      const flaky = await startTestCorridor({
        faults: (at) => {
          if (at === point && crashes++ === 0) throw new Error(`injected crash at ${at}`);
        },
      });
      try {
        const post = await flaky.post({
          audience: 'public',
          files: [{ path: corpusPath('video_iphone6_h264_rot90_gps.mov'), contentType: 'video/quicktime' }],
        });
        expect(crashes).toBe(2);
        expect(post.state).toBe('published');
        const feed = (await (await flaky.fetch('/s/demo/feed.json')).json()) as JsonFeed;
        expect(feed.items.filter((item) => item.id === post.url)).toHaveLength(1);
        const stored = await listPostMediaKeys(flaky.local.deps);
        const outputs = feed.items[0]?._corridor.media[0]?.outputs ?? [];
        // Content-addressed keys: the retry rewrote the same objects, it left no second copy.
        expect(stored.length).toBe(outputs.length);
      } finally {
        await flaky.stop();
      }
    },
  );
});

describe('captions', () => {
  it('refuses captions that are not WebVTT, and captions without a video, in words', async () => {
    const create = (media: unknown) =>
      corridor.api<{ error: { message: string } }>('POST', '/api/posts', {
        idempotencyKey: crypto.randomUUID(),
        audience: 'public',
        media,
      });
    const notVtt = await create([{ contentType: 'video/mp4', bytes: 1000, captions: '1\n00:00:00,000 --> 00:00:01,000\nSRT' }]);
    expect(notVtt.status).toBe(400);
    expect(notVtt.body.error.message).toContain('captions must be a WebVTT file');
    const onAudio = await create([{ contentType: 'audio/mp4', bytes: 1000, captions: 'WEBVTT\n' }]);
    expect(onAudio.status).toBe(400);
    expect(onAudio.body.error.message).toContain('captions go with a video');
  });
});

describe('a large recording over a flaky connection', () => {
  it('is uploaded in parts, cut mid-way, resumed with only the missing parts, and published once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'corridor-multipart-'));
    try {
      // Two minutes of 48 kHz stereo PCM: 23 MB, three 8 MiB parts.
      const wav = join(dir, 'reading.wav');
      await run('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=220:sample_rate=48000:duration=120',
        '-ac',
        '2',
        wav,
      ]);
      const bytes = await readFile(wav);
      const idempotencyKey = crypto.randomUUID();
      const request = {
        idempotencyKey,
        audience: 'public',
        caption: 'A child reading aloud',
        media: [{ contentType: 'audio/wav', bytes: bytes.length, alt: 'Reading' }],
      };
      const created = await corridor.api<{ post: PostView; uploads: UploadInstruction[] }>('POST', '/api/posts', request);
      const first = created.body.uploads[0] as MultipartInstruction;
      expect(first.kind).toBe('multipart');
      expect(first.totalParts).toBe(3);
      expect(first.received).toEqual([]);
      const postId = created.body.post.id;
      const base = `/api/posts/${postId}/uploads/${first.mediaId}`;

      // The signal drops after the first part.
      await corridor.upload(postId, first, bytes, { onlyParts: [1] });
      const early = await corridor.api<{ error: { message: string } }>('POST', `${base}/complete`);
      expect(early.status).toBe(409);
      expect(early.body.error.message).toContain('parts 2, 3 of 3 have not arrived yet');

      // Back online, the phone asks what arrived (a retried create says the same) and sends only the rest.
      const resumed = await corridor.api<{ upload: MultipartInstruction }>('GET', base);
      expect(resumed.body.upload.received).toEqual([1]);
      expect(resumed.body.upload.parts.map((p) => p.partNumber)).toEqual([2, 3]);
      const retried = await corridor.api<{ post: PostView; uploads: MultipartInstruction[] }>('POST', '/api/posts', request);
      expect(retried.body.post.id).toBe(postId);
      expect(retried.body.uploads[0]?.received).toEqual([1]);
      await corridor.upload(postId, resumed.body.upload, bytes);
      // A completion retried after a lost answer changes nothing.
      expect((await corridor.api('POST', `${base}/complete`)).status).toBe(202);
      await corridor.local.idle();

      const post = (await corridor.api<{ post: PostView }>('GET', `/api/posts/${postId}`)).body.post;
      expect(post.state).toBe('published');
      expect(post.media[0]?.kind).toBe('audio');
      expect(Math.round(post.media[0]?.durationSeconds ?? 0)).toBe(120);
      const feed = (await (await corridor.fetch('/s/demo/feed.json')).json()) as JsonFeed;
      expect(feed.items.filter((item) => item.id === post.url)).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { putEntry } from '../functions/core/channels/channel-index-store';
import { channel } from '../functions/core/channels/channels';
import type { FeedEntry } from '../functions/core/channels/entry';
import { startLocal } from '../functions/local/runtime';
import { seedDemo } from '../functions/local/seed';
import { medianOf, ms, printColumns } from './measure';

const PHOTO = new URL('../test/corpus/photo_android_pixel_gps.jpg', import.meta.url);
const RUNS = 3;
const SIZES = [0, 100, 400];

/**
 * What a change of a school's look costs on the embedded default: saving a colour redraws the artwork and
 * renders every document of the school's channels (archives too) and every public post page again, while
 * the admin waits; a logo adds the photo pipeline. Measured for schools with more and more public posts
 * (entries written straight into the public channel's index: the renders read nothing else).
 */
export default async function lookBench(): Promise<void> {
  const logo = await readFile(PHOTO);
  const dataDir = await mkdtemp(join(tmpdir(), 'corridor-bench-'));
  const local = await startLocal({ dataDir, port: 0 });
  try {
    const { token } = await seedDemo(local.deps, dataDir);
    const call = async (method: string, path: string, body: BodyInit, contentType: string) => {
      const start = performance.now();
      const response = await fetch(`${local.url}/api${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        body,
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return performance.now() - start;
    };
    const colours = ['#7a1f5c', '#0b6e4f', '#1d5fa8', '#5b2a86'];
    let turn = 0;
    const rows: string[][] = [];
    let loaded = 0;
    for (const size of SIZES) {
      for (; loaded < size; loaded++) {
        const at = new Date(Date.UTC(2026, 0, 1) + loaded * 60_000).toISOString();
        const postId = `bench-look-${String(loaded).padStart(6, '0')}`;
        const entry: FeedEntry = {
          postId,
          schoolId: 'demo',
          caption: `Post ${loaded}`,
          publishedAt: at,
          updatedAt: at,
          url: `${local.url}/p/${postId}`,
          tags: [],
          media: [],
        };
        await putEntry(local.deps, channel.public('demo').id, entry);
      }
      const colour = await medianOf(RUNS, () =>
        call('PATCH', '/settings', JSON.stringify({ accent: colours[turn++ % colours.length] }), 'application/json'),
      );
      const picture = await medianOf(RUNS, () => call('PUT', '/settings/logo', new Uint8Array(logo), 'image/jpeg'));
      rows.push([String(size), ms(colour), ms(picture)]);
    }
    printColumns(
      `A school's look — save a colour / send a 12 MP logo (${(logo.length / 1e6).toFixed(1)} MB), median of ${RUNS}, while the admin waits`,
      ['public posts', 'colour', 'logo'],
      rows,
    );
  } finally {
    await local.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

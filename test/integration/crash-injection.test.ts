import { describe, expect, it } from 'vitest';
import type { PostView } from '../../functions/api/views';
import { renderSite } from '../../functions/core/channels/rebuild';
import { type FaultPoint, faultPoints } from '../../functions/core/deps';
import { createFamily, type Family } from '../../functions/core/families/family';
import { TASK_LEASE_MS } from '../../functions/core/jobs/fanout';
import { notificationSchema } from '../../functions/core/notification';
import { getPostWithMedia } from '../../functions/core/posts/store';
import { putSchool } from '../../functions/core/schools/school';
import { putTrust } from '../../functions/core/schools/trust';
import { DEMO_SCHOOL } from '../../functions/local/seed';
import { corpusPath } from '../helpers/corpus';
import { settle, startTestCorridor } from '../helpers/corridor';
import { listPostMediaKeys, readSiteArtifacts, readSiteState } from '../helpers/site-state';

/**
 * Issue 5, acceptance 2: crash a worker at every fault point, again and again (every other time it is
 * reached, retries included), let the queue's retries and the sweeper re-drive, and check the end state:
 * every published post exactly once wherever it belongs, no retracted post anywhere, its media gone, a
 * narrowed post's media moved to new keys with nothing left at the old ones, and each (post, family)
 * notification sent exactly once.
 */

const TINY_PHOTO = corpusPath('png_exif_gps_1x1.png');

/** The post id behind a feed item id (a public post's URL, or a private post's URN). */
const postIdOf = (itemId: string) => /(?:\/p\/|:post:)([\w-]+)$/.exec(itemId)?.[1] ?? itemId;

// Delivery to parents has its own crash test (parents-crash.test.ts), and so have the change of school year
// (school-year.test.ts), long videos' piece jobs (video-segments-crash.test.ts) and staff corrections of
// translations (translation-corrections.test.ts); here the notifications
// queue holds what the outbox sent, the contract checked here.
const publishingFaultPoints = faultPoints.filter(
  // A school's look has its own crash test (school-look.test.ts), as do translation corrections and the
  // translate job (translated-pages.test.ts).
  (point) =>
    !point.startsWith('deliver:') &&
    !point.startsWith('year:') &&
    !point.startsWith('segments:') &&
    !point.startsWith('translate:') &&
    !point.startsWith('correction:') &&
    !point.startsWith('look:'),
);

describe.each(publishingFaultPoints.map((point) => [point]))('crashing at %s, repeatedly', (point: FaultPoint) => {
  it('ends with every post exactly where it belongs, once, and each notification once', async () => {
    let hits = 0;
    let crashes = 0;
    let clockOffset = 0;
    const corridor = await startTestCorridor({
      holdNotifications: true,
      now: () => new Date(Date.now() + clockOffset),
      faults: (at) => {
        if (at !== point || hits++ % 2 !== 0) return;
        crashes++;
        // While the worker is down, the leases it held run out, so its retry (or another worker) can take over.
        clockOffset += TASK_LEASE_MS + 1000;
        throw new Error(`injected crash at ${at}`);
      },
    });
    try {
      const { deps } = corridor.local;
      await putTrust(deps, { id: 'north', name: 'North Schools Trust' });
      await putSchool(deps, { ...DEMO_SCHOOL, wallTrustId: 'north' });
      const families: Record<'year1' | 'year2' | 'none', Family> = {
        year1: await createFamily(deps, { schoolId: 'demo', classIds: ['year-1'] }),
        year2: await createFamily(deps, { schoolId: 'demo', classIds: ['year-2'] }),
        none: await createFamily(deps, { schoolId: 'demo' }),
      };
      const publish = async (audience: string[], caption: string, photo = false) => {
        const post = await corridor.post({
          audience,
          caption,
          files: photo ? [{ path: TINY_PHOTO, contentType: 'image/png' }] : [],
        });
        await settle(corridor);
        return post;
      };
      const change = async (method: 'PATCH' | 'DELETE', post: PostView, body?: unknown) => {
        expect((await corridor.api(method, `/api/posts/${post.id}`, body)).status).toBe(200);
        await settle(corridor);
      };

      const a = await publish(['public'], 'A public photo #garden', true);
      const b = await publish(['school'], 'B for every family');
      const c = await publish(['class:year-1'], 'C for Year 1');
      const d = await publish(['public'], 'D public, then retracted #garden', true);
      await change('DELETE', d);
      const e = await publish(['class:year-2'], 'E for Year 2, then made public');
      await change('PATCH', e, { audience: 'public' });
      const g = await publish(['public'], 'G public, then narrowed to Year 1 #garden', true);
      const gPublicKeys = (await getPostWithMedia(deps, g.id))?.media.flatMap((m) => m.outputs.map((o) => o.key)) ?? [];
      await change('PATCH', g, { audience: ['class:year-1'] });
      const draft = await corridor.api<{ post: PostView }>('POST', '/api/posts', {
        idempotencyKey: crypto.randomUUID(),
        audience: 'public',
        caption: 'H a draft, retracted unpublished',
        draft: true,
      });
      const h = draft.body.post;
      await change('DELETE', h);

      // The fault point was reached and crashed more than once (else this test would prove nothing).
      expect(crashes).toBeGreaterThanOrEqual(2);

      const views = Object.fromEntries(
        await Promise.all(
          Object.entries({ a, b, c, d, e, g, h }).map(async ([name, post]) => [
            name,
            (await corridor.api<{ post: PostView }>('GET', `/api/posts/${post.id}`)).body.post,
          ]),
        ),
      ) as Record<'a' | 'b' | 'c' | 'd' | 'e' | 'g' | 'h', PostView>;
      for (const name of ['a', 'b', 'c', 'e', 'g'] as const)
        expect(views[name], name).toMatchObject({ state: 'published', live: true });
      for (const name of ['d', 'h'] as const) expect(views[name], name).toMatchObject({ state: 'retracted', gone: true });

      // Channels: each post exactly once where its audience puts it, and nowhere else.
      const { body: channelList } = await corridor.api<{ channels: { id: string; jsonFeedUrl: string }[] }>(
        'GET',
        '/api/schools/me/channels',
      );
      const privateFeed = (id: string) => channelList.channels.find((ch) => ch.id === id)?.jsonFeedUrl ?? '';
      const expected: [string, PostView[]][] = [
        [`${corridor.url}/s/demo/feed.json`, [a, e]],
        [`${corridor.url}/s/demo/t/garden/feed.json`, [a]],
        [`${corridor.url}/w/north/feed.json`, [a, e]],
        [privateFeed('school:demo:families'), [a, b, e]],
        [privateFeed('class:demo:year-1'), [a, b, c, e, g]],
        [privateFeed('class:demo:year-2'), [a, b, e]],
        [privateFeed('class:demo:reception'), [a, b, e]],
      ];
      for (const [url, posts] of expected) {
        const feed = (await (await fetch(url)).json()) as { items: { id: string }[] };
        expect(feed.items.map((item) => postIdOf(item.id)).sort(), url).toEqual(posts.map((p) => p.id).sort());
      }
      for (const post of [a, e]) expect((await corridor.fetch(`/p/${post.id}`)).status).toBe(200);
      for (const post of [b, c, d, g, h]) expect((await corridor.fetch(`/p/${post.id}`)).status).toBe(404);

      // The bucket: no artifact names a retracted post, none lists a post twice, and D's media is gone.
      const artifacts = await readSiteArtifacts(deps);
      for (const { key, body } of artifacts) {
        expect(body.includes(d.id) || body.includes(h.id), key).toBe(false);
        if (key.endsWith('feed.json')) {
          const ids = (JSON.parse(body) as { items: { id: string }[] }).items.map((item) => item.id);
          expect(new Set(ids).size, key).toBe(ids.length);
        }
      }
      const outputKeys = async (post: PostView) =>
        (await getPostWithMedia(deps, post.id))?.media.flatMap((m) => m.outputs.map((o) => o.key)) ?? [];
      const [aKeys, dKeys, gKeys] = [await outputKeys(a), await outputKeys(d), await outputKeys(g)];
      expect(aKeys.length * dKeys.length * gPublicKeys.length).toBeGreaterThan(0);
      // G's media moved to new keys when it was narrowed; the keys the public saw are gone.
      expect(gKeys.filter((key) => gPublicKeys.includes(key))).toEqual([]);
      expect((await listPostMediaKeys(deps)).sort()).toEqual([...aKeys, ...gKeys].sort());

      // And the whole site is what a from-scratch render of the table gives, byte for byte.
      const rebuilt = new Map(renderSite(await readSiteState(deps)).map((artifact) => [artifact.key, artifact]));
      expect(artifacts.map((artifact) => artifact.key).sort()).toEqual([...rebuilt.keys()].sort());
      for (const artifact of artifacts) expect(artifact, artifact.key).toEqual(rebuilt.get(artifact.key));

      // Notifications: each (post, family) the post was meant for at its first publish, exactly once.
      const all = [families.year1.id, families.year2.id, families.none.id];
      const expectedKeys = [
        ...all.map((f) => `${a.id}:${f}`),
        ...all.map((f) => `${b.id}:${f}`),
        `${c.id}:${families.year1.id}`,
        ...all.map((f) => `${d.id}:${f}`),
        `${e.id}:${families.year2.id}`,
        ...all.map((f) => `${g.id}:${f}`),
      ].sort();
      const sent = corridor.local.notificationsQueue.held().map((body) => notificationSchema.parse(body).key);
      expect(sent.sort()).toEqual(expectedKeys);
    } finally {
      await corridor.stop();
    }
    // Eight posts, three with a photo, each re-driven through crashes: minutes on a loaded machine.
  }, 240_000);
});

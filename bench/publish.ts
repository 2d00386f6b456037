import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableKeys } from '../functions/aws/keys';
import type { Principal } from '../functions/core/auth/tokens';
import { entryItems, META_SK, newestPage, pageOf } from '../functions/core/channels/channel-index-store';
import { channelsForPost } from '../functions/core/channels/channels';
import { toFeedEntry } from '../functions/core/channels/entry';
import { renderChannel } from '../functions/core/channels/render-channel';
import type { Deps } from '../functions/core/deps';
import { createPost } from '../functions/core/posts/create';
import type { Post } from '../functions/core/posts/post';
import { retractPost } from '../functions/core/posts/retract';
import { getPostWithMedia } from '../functions/core/posts/store';
import { putSchool, type School } from '../functions/core/schools/school';
import { type LocalCorridor, startLocal } from '../functions/local/runtime';
import { DEMO_SCHOOL } from '../functions/local/seed';
import { median, ms, printTable, ratio } from './measure';

const SIZES = [100, 10_000] as const;
const RUNS = 9;

/**
 * Publish and retract latency on the embedded default, in a school with 100 and with 10,000 existing
 * public posts. Both schools live in one process and one table, and their runs alternate, so the ratio
 * compares like with like even on a busy machine.
 *
 * Publish latency is "media ready → every artifact updated": a caption-only public post's media is ready
 * the moment it is created, so it is the time from the post becoming published to the fan-out confirming
 * every channel (its recorded `publishedAt` → `renderedAt`, the clock behind `goneAfterMs` too). Its
 * channels: the school page and feeds, the families' feed and three class feeds (each current document,
 * and an archive page when one fills), the widget and the post page, every page in twelve languages.
 * Retract latency is `retractedAt` → `renderedAt` for an existing post deep in the archive (its archive
 * page in each channel). The table also counts the S3 objects each writes (PutObject calls).
 */
export default async function publishBench(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'corridor-bench-publish-'));
  const local = await startLocal({ dataDir, port: 0 });
  const puts = countPutObjects(local.deps);
  try {
    const schools = [];
    for (const size of SIZES) {
      const school = await putSchool(local.deps, { ...DEMO_SCHOOL, id: `bench-${size}`, name: `Bench ${size}` });
      const started = performance.now();
      const existing = await seedPublishedPosts(local.deps, school, size);
      const principal: Principal = { schoolId: school.id, role: 'admin', tokenId: 'bench', label: 'bench' };
      schools.push({
        size,
        principal,
        existing,
        seededMs: performance.now() - started,
        publish: [] as number[],
        retract: [] as number[],
        publishPuts: [] as number[],
        retractPuts: [] as number[],
      });
    }
    // One warm-up publish each, then alternate: 100, 10,000, 100, 10,000, …
    for (let run = -1; run < RUNS; run++) {
      for (const school of schools) {
        const before = puts.count;
        const { post } = await createPost(local.deps, school.principal, {
          idempotencyKey: crypto.randomUUID(),
          audience: 'public',
          caption: 'Bench: a caption-only post',
        });
        const published = await settledPost(local, post.id);
        const afterPublish = puts.count;
        // Old posts spread over the archive, newest to oldest.
        const target = school.existing[Math.floor(((RUNS - run) * school.existing.length) / (RUNS + 2))] ?? '';
        await retractPost(local.deps, school.principal, target);
        const retracted = await settledPost(local, target);
        if (run < 0) continue;
        school.publish.push(elapsed(published.publishedAt, published.renderedAt));
        school.retract.push(elapsed(retracted.retractedAt, retracted.renderedAt));
        school.publishPuts.push(afterPublish - before);
        school.retractPuts.push(puts.count - afterPublish);
      }
    }
    const rows: [string, string][] = [];
    for (const school of schools) {
      const label = `${school.size.toLocaleString('en-GB')} existing posts`;
      rows.push(
        [`${label}: publish (published → every artifact updated)`, ms(median(school.publish))],
        [`${label}: retract (retracted → gone everywhere)`, ms(median(school.retract))],
        [`${label}: S3 objects one publish writes (PutObject)`, String(median(school.publishPuts))],
        [`${label}: S3 objects one retract writes (PutObject)`, String(median(school.retractPuts))],
        [`${label}: seeding them took`, ms(school.seededMs)],
      );
    }
    const [small, large] = schools.map((s) => median(s.publish));
    rows.push([
      `publish ${SIZES[1].toLocaleString('en-GB')} ÷ ${SIZES[0]} posts (target ≤ 1.5×)`,
      ratio((large ?? NaN) / (small ?? NaN)),
    ]);
    const [smallRetract, largeRetract] = schools.map((s) => median(s.retract));
    rows.push([
      `retract ${SIZES[1].toLocaleString('en-GB')} ÷ ${SIZES[0]} posts`,
      ratio((largeRetract ?? NaN) / (smallRetract ?? NaN)),
    ]);
    printTable(
      `Publish and retract — caption-only public post, 5 channels + post page, median of ${RUNS} alternating runs`,
      rows,
    );
  } finally {
    await local.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Counts the PutObject calls the process makes through its S3 client (an SDK middleware, so every writer
 * is counted — channel documents, post pages, the widget — without a hook in Corridor's code).
 */
function countPutObjects(deps: Deps): { count: number } {
  const counter = { count: 0 };
  deps.clients.s3.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'PutObjectCommand') counter.count++;
      return next(args);
    },
    { step: 'initialize', name: 'benchCountPutObject' },
  );
  return counter;
}

const elapsed = (from: string | undefined, to: string | undefined) =>
  new Date(to ?? NaN).getTime() - new Date(from ?? NaN).getTime();

/** Waits for the fan-out to settle and returns the post as the table has it. */
async function settledPost(local: LocalCorridor, postId: string): Promise<Post> {
  await local.idle();
  const current = await getPostWithMedia(local.deps, postId);
  if (!current || current.post.renderedVersion < current.post.version) throw new Error(`post ${postId} did not settle`);
  return current.post;
}

/**
 * Writes `count` published public posts straight into the table, exactly as the fan-out would have left
 * them (post items, listing pointers, an entry in every channel on its archive page, channel counters),
 * then renders each channel's current document and newest archive page once. Their own post pages and
 * older archive pages are not written: publishing never reads them.
 */
export async function seedPublishedPosts(deps: Deps, school: School, count: number): Promise<string[]> {
  const start = Date.UTC(2025, 0, 1);
  const items: Record<string, unknown>[] = [];
  const ids: string[] = [];
  let channels: ReturnType<typeof channelsForPost> = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(start + i * 60_000).toISOString();
    const id = `seed-${school.id}-${String(i).padStart(6, '0')}`;
    const post: Post = {
      id,
      schoolId: school.id,
      audience: ['public'],
      caption: `Existing post ${i}`,
      state: 'published',
      mediaIds: [],
      createdAt: at,
      updatedAt: at,
      publishedAt: at,
      tags: [],
      version: 1,
      renderedVersion: 1,
      renderedChannels: [],
      renderedAt: at,
      createdBy: 'bench',
      authorRole: 'admin',
      urgent: false,
    };
    channels = channelsForPost(post, school);
    post.renderedChannels = channels.map((c) => c.id);
    ids.push(id);
    items.push({ ...tableKeys.post(id), type: 'post', ...post });
    items.push({ pk: tableKeys.postsOfSchool(school.id), sk: `${at}#${id}`, type: 'school-post', postId: id });
    const entry = toFeedEntry(deps.config.publicUrl, post, []);
    for (const channel of channels) items.push(...entryItems(channel.id, entry, pageOf(i, deps.config.feedPageSize)));
  }
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) await writeBatch(deps, batch);
    }),
  );
  for (const channel of channels) {
    await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: { pk: tableKeys.feedPartition(channel.id), sk: META_SK },
        UpdateExpression: 'ADD #count :count, revision :one',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':count': count, ':one': 1 },
      }),
    );
    await renderChannel(deps, channel, [newestPage(count, deps.config.feedPageSize)]);
  }
  return ids;
}

async function writeBatch(deps: Deps, batch: Record<string, unknown>[]): Promise<void> {
  let pending = batch.map((Item) => ({ PutRequest: { Item } }));
  while (pending.length > 0) {
    const { UnprocessedItems } = await deps.clients.dynamo.send(
      new BatchWriteCommand({ RequestItems: { [deps.config.tableName]: pending } }),
    );
    pending = (UnprocessedItems?.[deps.config.tableName] ?? []) as typeof pending;
  }
}

import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryAll } from '../../functions/aws/dynamo';
import { type PendingPartition, pendingKey, pendingPartitions, pendingReadKeys, tableKeys } from '../../functions/aws/keys';
import { pendingPages } from '../../functions/aws/pending-index';
import { sweep } from '../../functions/core/jobs/sweeper';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { testClock } from '../helpers/parents';

/**
 * The pending partitions of the sparse index are sharded (aws/keys.ts `pendingKey`). Work written before
 * that — by a deployment with work in flight, or sitting in a local data folder — waits under the
 * partition's unsharded key: the sweeper must still find it and drive it on, and new work must land on
 * the shards. These put items under the old key directly (as the release before this one wrote them) and
 * run the real sweeper against dynalite. (The due run's side is in delivery-claims.test.ts.)
 */

const clock = testClock('2026-06-10T09:00:00Z');
let corridor: TestCorridor;

beforeAll(async () => {
  corridor = await startTestCorridor({ now: clock.now, digestEveryMs: 0 });
}, 60_000);
afterAll(async () => {
  await corridor?.stop();
});

const table = () => ({ dynamo: corridor.local.deps.clients.dynamo, TableName: corridor.local.deps.config.tableName });

/** The post item as stored (strongly consistent). */
async function postItem(postId: string): Promise<Record<string, unknown>> {
  const { dynamo, TableName } = table();
  const { Item } = await dynamo.send(new GetCommand({ TableName, Key: tableKeys.post(postId), ConsistentRead: true }));
  return Item ?? {};
}

/** Puts a post's index entry under `key`, as the unsharded release wrote it (and bumps the version if asked). */
async function moveEntry(postId: string, key: string, sortKey: string, bumpVersion = false): Promise<void> {
  const { dynamo, TableName } = table();
  await dynamo.send(
    new UpdateCommand({
      TableName,
      Key: tableKeys.post(postId),
      UpdateExpression: `SET gsi1pk = :pk, gsi1sk = :sk${bumpVersion ? ', version = version + :one' : ''}`,
      ExpressionAttributeValues: { ':pk': key, ':sk': sortKey, ...(bumpVersion ? { ':one': 1 } : {}) },
    }),
  );
}

/** The ids of the index entries under one key of the sparse index. */
async function entriesUnder(key: string): Promise<unknown[]> {
  const { dynamo, TableName } = table();
  const items = await queryAll(dynamo, {
    TableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': key },
  });
  return items.map((item) => item.id);
}

const legacy = (partition: PendingPartition) => pendingPartitions[partition];

describe('work waiting under the unsharded pending key', () => {
  it('a scheduled post from before sharding goes live when its time comes; one scheduled since waits on its shard', async () => {
    const publishAt = '2026-06-10T10:00:00.000Z';
    const before = await corridor.post({ audience: 'public', caption: 'Scheduled before the upgrade', extra: { publishAt } });
    const since = await corridor.post({ audience: 'public', caption: 'Scheduled after the upgrade', extra: { publishAt } });
    expect([before.state, since.state]).toEqual(['scheduled', 'scheduled']);
    expect((await postItem(since.id)).gsi1pk).toBe(pendingKey('scheduled', since.id));
    await moveEntry(before.id, legacy('scheduled'), publishAt);
    expect(await entriesUnder(legacy('scheduled'))).toEqual([before.id]);

    // Not yet due: neither moves.
    expect((await sweep(corridor.local.deps, { graceMs: 0 })).scheduledReleased).toBe(0);
    clock.set('2026-06-10T10:00:30Z');
    expect((await sweep(corridor.local.deps, { graceMs: 0 })).scheduledReleased).toBe(2);
    await corridor.local.idle();
    for (const id of [before.id, since.id]) {
      const item = await postItem(id);
      expect(item).toMatchObject({ state: 'published' });
      expect(item.renderedVersion).toBe(item.version); // fanned out: out of every partition
      expect(item.gsi1pk).toBeUndefined();
    }
    expect(await entriesUnder(legacy('scheduled'))).toEqual([]);
  });

  it('a fan-out a crash left unconfirmed before the upgrade is re-driven by the start-up sweep after it', async () => {
    const post = await corridor.post({ audience: 'public', caption: 'Fan-out cut short before the upgrade' });
    const published = await postItem(post.id);
    expect(published.renderedVersion).toBe(published.version);
    // A new version the fan-out never confirmed, in the unsharded partition, as the release before wrote
    // it; then the process stops and starts again on the same data folder.
    await moveEntry(post.id, legacy('fanout'), clock.now().toISOString(), true);
    expect(await entriesUnder(legacy('fanout'))).toEqual([post.id]);
    await corridor.restart();
    await corridor.local.idle();
    const after = await postItem(post.id);
    expect(after.version).toBe(Number(published.version) + 1);
    expect(after.renderedVersion).toBe(after.version);
    expect(after.gsi1pk).toBeUndefined();
    expect(await entriesUnder(legacy('fanout'))).toEqual([]);
  });

  it('leaves nothing under any key a reader queries once the work is done', async () => {
    await corridor.local.idle();
    const left = await Promise.all(
      (['scheduled', 'fanout', 'media', 'settle'] as const).flatMap((partition) => pendingReadKeys(partition).map(entriesUnder)),
    );
    expect(left.flat()).toEqual([]);
  });
});

describe("reading a sharded partition a page at a time (the due run's pendingPages)", () => {
  it("joins the shards' small answers into pages of at least the size asked, losing and repeating nothing", async () => {
    const { dynamo, TableName } = table();
    // 40 items spread over the delivery shards and the legacy key, due long ago (nothing else reads them).
    const keys = pendingReadKeys('delivery');
    const items = Array.from({ length: 40 }, (_, i) => ({
      pk: `TEST#pages-${i}`,
      sk: 'TEST',
      gsi1pk: keys[i % keys.length],
      gsi1sk: `2000-01-01T00:00:${String(i).padStart(2, '0')}.000Z#${i}`,
    }));
    for (const item of items) await dynamo.send(new PutCommand({ TableName, Item: item }));
    const read = async (atLeast?: number) => {
      const pages: string[][] = [];
      const query = { tableName: TableName, partition: 'delivery' as const, before: '<' as const, bound: '2000-01-02' };
      for await (const page of pendingPages(dynamo, query, atLeast)) pages.push(page.map((item) => String(item.pk)));
      return pages;
    };
    try {
      const byAnswer = await read();
      const joined = await read(15);
      // One page per key with items (each key's answer is small), against pages of 15 or more but the last.
      expect(byAnswer).toHaveLength(keys.length);
      expect(joined.slice(0, -1).every((page) => page.length >= 15)).toBe(true);
      expect(joined.length).toBeLessThan(byAnswer.length);
      // The same items in the same order, each once.
      expect(joined.flat()).toEqual(byAnswer.flat());
      expect(new Set(joined.flat()).size).toBe(40);
      expect((await read(1_000)).map((page) => page.length)).toEqual([40]);
    } finally {
      for (const item of items) await dynamo.send(new DeleteCommand({ TableName, Key: { pk: item.pk, sk: item.sk } }));
    }
  });
});

import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eraseFamily } from '../../functions/core/data-protection/erase-family';
import { createFamily, getFamily } from '../../functions/core/families/family';
import { sweep } from '../../functions/core/jobs/sweeper';
import type { Notification } from '../../functions/core/notification';
import { notifyFamilies } from '../../functions/core/notify/outbox';
import { BATCH_FAMILIES, outboxRecordSchema } from '../../functions/core/notify/outbox-records';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { heldNotifications } from '../helpers/parents';

/**
 * The outbox keeps one record per batch of up to 40 families (the bill: docs/scale.md), with the same
 * contract as one record per family: every family the post is for is enqueued once, a crashed batch is
 * the sweeper's to send, concurrent runs of the job never both send to a family, and an erased family
 * leaves no trace in a batch. The notifications queue holds what the outbox sent (delivery has its own
 * tests), on the embedded default's real DynamoDB emulator.
 */

const FAMILIES = 2 * BATCH_FAMILIES + 5;
/** What the fault hook does the next time the outbox reaches `notify:after-claim` (with the post's id). */
let onClaim: ((postId: string) => void) | undefined;
let corridor: TestCorridor;
const familyIds: string[] = [];

beforeAll(async () => {
  corridor = await startTestCorridor({
    holdNotifications: true,
    faults: (point, detail) => {
      if (point !== 'notify:after-claim' || !onClaim) return;
      const act = onClaim;
      onClaim = undefined;
      act(String(detail).split('#')[0] as string);
    },
  });
  for (let i = 0; i < FAMILIES; i++)
    familyIds.push((await createFamily(corridor.local.deps, { schoolId: 'demo', classIds: ['year-2'] })).id);
  familyIds.sort();
}, 120_000);
afterAll(() => corridor?.stop());

const sentFor = (postId: string): Notification[] => heldNotifications(corridor, postId);

async function outbox(postId: string) {
  const { deps } = corridor.local;
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :batch)',
      ExpressionAttributeValues: { ':pk': `OUTBOX#${postId}`, ':batch': 'BATCH#' },
      ConsistentRead: true,
    }),
  );
  return Items;
}

it(`notifies ${FAMILIES} families once each from ${Math.ceil(FAMILIES / BATCH_FAMILIES)} records, none left pending`, async () => {
  const post = await corridor.post({ audience: ['class:year-2'], caption: 'Year 2 swimming' });
  expect(post.live).toBe(true);
  expect(
    sentFor(post.id)
      .map((n) => n.familyId)
      .sort(),
  ).toEqual(familyIds);
  const records = await outbox(post.id);
  expect(records.map((r) => (r.familyIds as Set<string>).size)).toEqual([BATCH_FAMILIES, BATCH_FAMILIES, 5]);
  expect(records.every((r) => r.state === 'sent' && r.gsi1pk === undefined)).toBe(true);
  expect(records.flatMap((r) => outboxRecordSchema.parse(r).familyIds).sort()).toEqual(familyIds);
});

it('a batch whose sender crashed mid-way: the others of it and the other batches go at once, the sweeper sends the rest once', async () => {
  let crashes = 0;
  onClaim = () => {
    crashes++;
    throw new Error("injected crash before one family's send");
  };
  const post = await corridor.post({ audience: ['class:year-2'], caption: 'Year 2 assembly' });
  expect(crashes).toBe(1);
  // The batch stays claimed with the families that were sent to noted; the retried job left it alone.
  const claimed = (await outbox(post.id)).filter((r) => r.state === 'claimed').map((r) => outboxRecordSchema.parse(r));
  expect(claimed).toHaveLength(1);
  const waiting = claimed.flatMap((r) => r.familyIds.filter((id) => !r.sentIds.includes(id)));
  expect(waiting).toHaveLength(1);
  expect(sentFor(post.id)).toHaveLength(FAMILIES - 1);
  expect(sentFor(post.id).filter((n) => waiting.includes(n.familyId))).toEqual([]);

  expect((await sweep(corridor.local.deps, { graceMs: 0 })).notificationsRedriven).toBe(1);
  expect(
    sentFor(post.id)
      .map((n) => n.familyId)
      .sort(),
  ).toEqual(familyIds);
  expect((await sweep(corridor.local.deps, { graceMs: 0 })).notificationsRedriven).toBe(0);
  expect(sentFor(post.id)).toHaveLength(FAMILIES);
  // Settled: out of the sweeper's index, and the note of who went first is gone with the claim.
  const settled = await outbox(post.id);
  expect(settled.map((r) => [r.state, r.gsi1pk, r.sentIds])).toEqual(settled.map(() => ['sent', undefined, undefined]));
});

it('two runs of the job at once never both send to a family', async () => {
  let second: Promise<void> | undefined;
  // The first run has claimed its first batch when the second starts: both then race for the numbers.
  onClaim = (postId) => {
    second = notifyFamilies(corridor.local.deps, postId);
  };
  const post = await corridor.post({ audience: ['class:year-2'], caption: 'Sports day' });
  expect(second).toBeDefined();
  await second;
  await corridor.local.idle();
  expect(
    sentFor(post.id)
      .map((n) => n.familyId)
      .sort(),
  ).toEqual(familyIds);
  const named = (await outbox(post.id)).flatMap((r) => [...(r.familyIds as Set<string>)]);
  expect(named.sort()).toEqual(familyIds);
});

it('erasing a family takes it out of the batch that named it; the batch keeps the others', async () => {
  const post = await corridor.post({ audience: ['class:year-2'], caption: 'Harvest festival' });
  const { deps } = corridor.local;
  const erased = familyIds[0] as string;
  const family = await getFamily(deps, erased);
  if (!family) throw new Error('the family should exist before it is erased');
  // Delivery is held here, so the family's ledger item for the post (what erasure follows to the post's
  // outbox) is written as delivery writes it.
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { pk: `FAMILY#${erased}`, sk: `DELIVERY#post:${post.id}#push`, type: 'delivery', familyId: erased, state: 'done' },
    }),
  );
  await eraseFamily(deps, family);
  expect(await getFamily(deps, erased)).toBeUndefined();
  const records = await outbox(post.id);
  const named = records.flatMap((r) => [...((r.familyIds as Set<string> | undefined) ?? [])]).sort();
  expect(named).toEqual(familyIds.filter((id) => id !== erased));
  expect(records.every((r) => r.state === 'sent')).toBe(true);
  familyIds.shift();
});

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryAll } from '../../functions/aws/dynamo';
import { pendingPartitions, tableKeys } from '../../functions/aws/keys';
import type { FaultPoint } from '../../functions/core/deps';
import { type Notification, notificationSchema } from '../../functions/core/notification';
import { claimPostDeliveries, parseClaim } from '../../functions/core/notify/claims';
import { deliverNotifications } from '../../functions/core/notify/deliver';
import { sendDueDeliveries } from '../../functions/core/notify/due';
import { DELIVERY_LEASE_MS } from '../../functions/core/notify/ledger';
import { startTestCorridor, type TestCorridor } from '../helpers/corridor';
import { familyIdOf, type JoinLink, joinLinks, savePreferences, subscribePush, testClock } from '../helpers/parents';
import { type PushService, startPushService, type TestBrowser } from '../helpers/push-service';

/**
 * A post's instant deliveries are claimed many families at once (core/notify/claims.ts). These drive
 * delivery by hand — the notifications queue only holds what the outbox sends — to put senders where
 * the queue alone rarely does: racing each other over overlapping batches, dying right after a claim,
 * dying between a send and its record, and dying after claiming messages held through quiet hours.
 */

const FAMILIES = 6;
const clock = testClock('2026-06-10T09:00:00Z'); // 10:00 in London, outside quiet hours
let crashAt: FaultPoint | undefined;
/** Runs at every fault point (where a test makes time pass in the middle of sending). */
let atFaultPoint: ((point: FaultPoint) => void) | undefined;
let corridor: TestCorridor;
let push: PushService;
const phones: TestBrowser[] = [];
const familyIds: string[] = [];

beforeAll(async () => {
  push = await startPushService();
  corridor = await startTestCorridor({
    now: clock.now,
    digestEveryMs: 0,
    holdNotifications: true,
    faults: (point) => {
      atFaultPoint?.(point);
      if (point !== crashAt) return;
      crashAt = undefined; // once
      throw new Error(`injected crash at ${point}`);
    },
  });
  const year1 = (await joinLinks(corridor))['year-1'] as JoinLink;
  for (let i = 0; i < FAMILIES; i++) {
    const phone = push.browser();
    const { manageUrl } = await subscribePush(year1.url, phone);
    await savePreferences(manageUrl, { push: 'instant' });
    phones.push(phone);
    familyIds.push(familyIdOf(manageUrl));
  }
}, 60_000);
afterAll(async () => {
  await corridor?.stop();
  await push?.stop();
});

/** Publishes a post to Year 1; returns it and the notifications the outbox queued for it. */
async function publish(caption: string): Promise<{ postId: string; notifications: Notification[] }> {
  const post = await corridor.post({ audience: 'class:year-1', caption });
  const notifications = corridor.local.notificationsQueue
    .held()
    .map((body) => notificationSchema.parse(body))
    .filter((n) => n.postId === post.id);
  expect(notifications).toHaveLength(FAMILIES);
  return { postId: post.id, notifications };
}

/** How many copies of the post each phone received, and with how many distinct Topics. */
const copies = (postId: string) =>
  phones.map((phone) => {
    const got = push.received.filter((m) => m.browserId === phone.id && m.payload.tag === `post-${postId}`);
    return { count: got.length, topics: new Set(got.map((m) => m.topic)).size };
  });

const claimsOf = async (postId: string) =>
  (
    await queryAll(corridor.local.deps.clients.dynamo, {
      TableName: corridor.local.deps.config.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': tableKeys.deliveryClaims(`post:${postId}`) },
      ConsistentRead: true,
    })
  ).map(parseClaim);

it('senders racing over overlapping batches claim disjoint deliveries, and each phone hears once', async () => {
  const { postId, notifications } = await publish('Racing senders');
  const { deps } = corridor.local;
  // The same messages in several batches at once, as SQS redelivery and a batch retried on its own make,
  // and twice in one batch.
  const n = notifications;
  const batches = [n.slice(0, 2), n.slice(2, 4), n.slice(4), n.slice(1, 5), n, [...n.slice(3), ...n.slice(3)]];
  const failed = await Promise.all(batches.map((batch) => deliverNotifications(deps, batch)));
  expect(failed.flat()).toEqual([]);
  expect(push.problems).toEqual([]);
  expect(copies(postId)).toEqual(phones.map(() => ({ count: 1, topics: 1 })));

  const claims = await claimsOf(postId);
  const listed = claims.flatMap((claim) => claim.send.map((key) => key.familyId));
  expect(listed).toHaveLength(FAMILIES); // every delivery in exactly one claim
  expect(new Set(listed).size).toBe(FAMILIES);
  expect(claims.map((claim) => claim.seq)).toEqual(claims.map((_, i) => i + 1)); // numbered without gaps
  expect(claims.every((claim) => claim.state === 'done')).toBe(true);

  // A batch delivered again after all that finds every delivery in the ledger: nothing is claimed.
  expect(await deliverNotifications(deps, notifications)).toEqual([]);
  expect(await claimsOf(postId)).toHaveLength(claims.length);
  expect(copies(postId)).toEqual(phones.map(() => ({ count: 1, topics: 1 })));
});

it('claims taken at once get consecutive numbers, and each skips what the open claims before it hold', async () => {
  const { postId } = await publish('Claims taken at once');
  const { deps } = corridor.local;
  const wanted = (...indexes: number[]) => ({
    send: indexes.map((i) => ({
      familyId: familyIds[i] as string,
      channel: 'push' as const,
      subject: { kind: 'post' as const, postId },
    })),
    hold: [],
  });
  // Four senders claim at once, none of them everything; nothing is sent, so every claim stays open.
  const claims = (
    await Promise.all(
      [wanted(0, 1), wanted(2, 3), wanted(1, 2, 4), wanted(4, 5)].map((w) => claimPostDeliveries(deps, postId, w)),
    )
  ).filter((claim) => claim !== undefined);
  const listed = claims.flatMap((claim) => claim.send.map((key) => key.familyId));
  expect(listed.sort()).toEqual([...familyIds].sort());
  expect(claims.map((claim) => claim.seq).sort()).toEqual(claims.map((_, i) => i + 1));
  // Each claim names the open claims it was written after: the chain a later sender reads.
  for (const claim of claims) expect(claim.openBefore.sort()).toEqual(claims.map((c) => c.seq).filter((seq) => seq < claim.seq));
  expect(await claimPostDeliveries(deps, postId, wanted(0, 1, 2, 3, 4, 5))).toBeUndefined();

  // Their senders never come back: the scheduler sends every delivery once, when the leases end.
  clock.advance(DELIVERY_LEASE_MS + 1_000);
  expect(await sendDueDeliveries(deps)).toEqual({ sent: FAMILIES, skipped: 0, failed: 0 });
  expect(copies(postId)).toEqual(phones.map(() => ({ count: 1, topics: 1 })));
  expect(await claimPostDeliveries(deps, postId, wanted(0, 1, 2, 3, 4, 5))).toBeUndefined();
});

it('a claim whose sender died is finished by the scheduler once its lease ends, and only then', async () => {
  const { postId, notifications } = await publish('Sender died after claiming');
  const { deps } = corridor.local;
  crashAt = 'deliver:after-claim';
  expect(await deliverNotifications(deps, notifications)).toHaveLength(FAMILIES);
  expect(copies(postId).map((c) => c.count)).toEqual(phones.map(() => 0));

  // The queue delivers the batch again: the open claim lists every delivery, so no one else sends them.
  expect(await deliverNotifications(deps, notifications)).toEqual([]);
  expect(await sendDueDeliveries(deps)).toEqual({ sent: 0, skipped: 0, failed: 0 }); // its lease still runs
  expect(copies(postId).map((c) => c.count)).toEqual(phones.map(() => 0));

  clock.advance(DELIVERY_LEASE_MS + 1_000);
  expect(await sendDueDeliveries(deps)).toEqual({ sent: FAMILIES, skipped: 0, failed: 0 });
  expect(await sendDueDeliveries(deps)).toEqual({ sent: 0, skipped: 0, failed: 0 });
  expect(copies(postId)).toEqual(phones.map(() => ({ count: 1, topics: 1 })));
  expect((await claimsOf(postId)).map((claim) => claim.state)).toEqual(['done']);
});

it('a crash between a send and its record repeats that one message only, with the same Topic', async () => {
  const { postId, notifications } = await publish('Sender died after one send');
  const { deps } = corridor.local;
  crashAt = 'deliver:after-send';
  expect(await deliverNotifications(deps, notifications)).toHaveLength(1);
  expect(copies(postId).map((c) => c.count)).toEqual(phones.map(() => 1));

  clock.advance(DELIVERY_LEASE_MS + 1_000);
  expect(await sendDueDeliveries(deps)).toEqual({ sent: 1, skipped: 0, failed: 0 });
  const after = copies(postId);
  expect(after.map((c) => c.count).sort()).toEqual([...phones.map(() => 1).slice(1), 2]);
  expect(after.every((c) => c.topics === 1)).toBe(true); // the repeat collapses on the phone
  expect((await claimsOf(postId)).map((claim) => claim.state)).toEqual(['done']);
});

it('a sender fallen behind half its lease starts no more messages: the scheduler sends them, once', async () => {
  const { postId, notifications } = await publish('Sender fell behind');
  const { deps } = corridor.local;
  // Claimed, and then the sender stalls (a slow push service) until half its lease has gone.
  atFaultPoint = (point) => {
    if (point === 'deliver:after-claim') clock.advance(DELIVERY_LEASE_MS / 2 + 1_000);
  };
  expect(await deliverNotifications(deps, notifications)).toHaveLength(FAMILIES);
  atFaultPoint = undefined;
  expect(copies(postId).map((c) => c.count)).toEqual(phones.map(() => 0));

  expect(await sendDueDeliveries(deps)).toEqual({ sent: 0, skipped: 0, failed: 0 }); // its lease still runs
  clock.advance(DELIVERY_LEASE_MS / 2);
  expect(await sendDueDeliveries(deps)).toEqual({ sent: FAMILIES, skipped: 0, failed: 0 });
  expect(copies(postId)).toEqual(phones.map(() => ({ count: 1, topics: 1 })));
  expect((await claimsOf(postId)).map((claim) => claim.state)).toEqual(['done']);
});

it('messages held through quiet hours by a sender that died are written to the ledger, then sent at 07:00 once', async () => {
  clock.set('2026-06-10T21:30:00Z'); // 22:30 in London
  const { postId, notifications } = await publish('Held through the night');
  const { deps } = corridor.local;
  crashAt = 'deliver:after-claim';
  expect(await deliverNotifications(deps, notifications)).toHaveLength(FAMILIES);
  const [claim] = await claimsOf(postId);
  expect(claim?.hold).toHaveLength(FAMILIES);
  expect(claim?.send).toEqual([]);

  clock.advance(DELIVERY_LEASE_MS + 1_000);
  // Taken over: the held messages are written to the ledger, due when quiet hours end. Nothing is sent.
  expect(await sendDueDeliveries(deps)).toEqual({ sent: 0, skipped: 0, failed: 0 });
  expect((await claimsOf(postId)).map((c) => c.state)).toEqual(['done']);
  expect(copies(postId).map((c) => c.count)).toEqual(phones.map(() => 0));

  clock.set('2026-06-11T06:00:30Z'); // 07:00 in London
  expect(await sendDueDeliveries(deps)).toEqual({ sent: FAMILIES, skipped: 0, failed: 0 });
  expect(await sendDueDeliveries(deps)).toEqual({ sent: 0, skipped: 0, failed: 0 });
  expect(await deliverNotifications(deps, notifications)).toEqual([]); // a late redelivery sends nothing
  expect(copies(postId)).toEqual(phones.map(() => ({ count: 1, topics: 1 })));
});

it('a claim left under the unsharded pending key by the release before sharding is still finished by the scheduler', async () => {
  const { postId, notifications } = await publish('Claimed before the upgrade');
  const { deps } = corridor.local;
  crashAt = 'deliver:after-claim';
  expect(await deliverNotifications(deps, notifications)).toHaveLength(FAMILIES);
  // As the release before sharding wrote it: the open claim under the delivery partition's one key.
  const [claim] = await claimsOf(postId);
  const { dynamo } = deps.clients;
  const TableName = deps.config.tableName;
  const key = tableKeys.deliveryClaim(`post:${postId}`, claim?.seq ?? 0);
  await dynamo.send(
    new UpdateCommand({
      TableName,
      Key: key,
      UpdateExpression: 'SET gsi1pk = :legacy',
      ExpressionAttributeValues: { ':legacy': pendingPartitions.delivery },
    }),
  );
  const underLegacy = () =>
    queryAll(dynamo, {
      TableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': pendingPartitions.delivery },
    });
  expect((await underLegacy()).map((item) => item.sk)).toEqual([key.sk]);

  clock.advance(DELIVERY_LEASE_MS + 1_000);
  expect(await sendDueDeliveries(deps)).toEqual({ sent: FAMILIES, skipped: 0, failed: 0 });
  expect(await sendDueDeliveries(deps)).toEqual({ sent: 0, skipped: 0, failed: 0 });
  expect(copies(postId)).toEqual(phones.map(() => ({ count: 1, topics: 1 })));
  expect((await claimsOf(postId)).map((c) => c.state)).toEqual(['done']);
  expect(await underLegacy()).toEqual([]);
});

import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { batchWriteAll, isConditionFailed } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import { listFamilies, reachesFamily } from '../families/family';
import { audienceSchema, type Post } from '../posts/post';
import { getPostWithMedia, pendingPartitions } from '../posts/store';
import { type Notification, postPublished } from './notification';

/**
 * The notification outbox. When a post is first published, one notification per family it is meant for
 * is enqueued — exactly once per (post, family), whatever crashes and retries happen:
 *
 * 1. A **plan** per post, written once (conditional put) by the fan-out before it confirms the post
 *    live, fixes the audience at first publish: an edit never notifies anyone again. While open, the
 *    plan sits in the sweeper's index, so a lost `notify` job is re-sent.
 * 2. The `notify` job (after the post is live, so a slow outbox never delays "live") claims a **record**
 *    per family with a conditional put (`attribute_not_exists`) *before* the send, and marks it sent
 *    after — 25 at a time in one batch write, since the claimant owns its records until then. Only the
 *    claimant sends. Then the plan is complete.
 * 3. A claimant that dies between claim and send leaves a claimed record in the sweeper's index; the
 *    sweeper takes it over (a conditional write on the claim it saw) and sends — or cancels it when the
 *    post was retracted meanwhile.
 *
 * A crash after the send but before "sent" is recorded is the one case that repeats a message; its
 * `key` lets delivery collapse the repeat (see notification.ts).
 */

/** How many families are claimed and sent to at once (and then settled in one batch write). */
const SEND_CONCURRENCY = 25;

const planSchema = z.object({
  postId: z.string(),
  schoolId: z.string(),
  audience: z.array(audienceSchema),
  state: z.enum(['open', 'complete']),
});

/** A (post, family) record as stored: what the sweeper re-drives when its claimant crashed. */
export const outboxRecordSchema = z.object({
  postId: z.string(),
  schoolId: z.string(),
  familyId: z.string(),
  state: z.enum(['claimed', 'sent', 'cancelled']),
  claimedAt: z.string(),
});
export type OutboxRecord = z.infer<typeof outboxRecordSchema>;

/**
 * Fixes who hears about a post: called by the fan-out each time the channels show it; only the first
 * call (its first publish) writes the plan. Returns true while the plan is open (a `notify` job is due).
 */
export async function planNotifications(deps: Deps, post: Post): Promise<boolean> {
  const now = deps.now().toISOString();
  try {
    await deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: {
          ...tableKeys.outboxPlan(post.id),
          type: 'outbox-plan',
          postId: post.id,
          schoolId: post.schoolId,
          audience: post.audience,
          state: 'open',
          createdAt: now,
          gsi1pk: pendingPartitions.notify,
          gsi1sk: now,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  return (await readPlan(deps, post.id))?.state === 'open';
}

async function readPlan(deps: Deps, postId: string) {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: tableKeys.outboxPlan(postId), ConsistentRead: true }),
  );
  return Item ? planSchema.parse(Item) : undefined;
}

/**
 * The `notify` job: enqueues "a new post" for every family in the post's plan, each exactly once, then
 * completes the plan. A post retracted before this runs notifies nobody. Safe to run any number of times.
 */
export async function notifyFamilies(deps: Deps, postId: string): Promise<void> {
  const plan = await readPlan(deps, postId);
  if (plan?.state !== 'open') return;
  const current = await getPostWithMedia(deps, postId);
  if (current?.post.state === 'published') {
    const families = (await listFamilies(deps, plan.schoolId)).filter((family) => reachesFamily(plan.audience, family));
    for (let start = 0; start < families.length; start += SEND_CONCURRENCY) {
      const sent: OutboxRecord[] = [];
      const outcomes = await Promise.allSettled(
        families.slice(start, start + SEND_CONCURRENCY).map(async (family) => {
          const message = postPublished(current.post, family.id);
          // Claimed before: already sent, or its claimant crashed and the sweeper re-drives it.
          const claimedAt = await claim(deps, message);
          if (claimedAt === undefined) return;
          await send(deps, message);
          sent.push({ ...message, state: 'sent', claimedAt });
        }),
      );
      // What was sent is settled even when a neighbour failed, so a retry re-sends only the failures. A
      // process killed before this line leaves the batch's records claimed: the sweeper re-sends them,
      // and delivery's ledger keeps each family from hearing twice (the window notification.ts describes).
      await settle(deps, sent);
      const failure = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failure) throw failure.reason;
    }
  }
  await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: tableKeys.outboxPlan(postId),
      UpdateExpression: 'SET #state = :complete REMOVE gsi1pk, gsi1sk',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':complete': 'complete' },
    }),
  );
}

/**
 * Finishes a record whose claimant died before sending: takes the claim over (only one sweeper wins),
 * then sends it, or cancels it when the post is no longer published. Returns what happened.
 */
export async function redriveNotification(deps: Deps, record: OutboxRecord): Promise<'sent' | 'cancelled' | 'lost'> {
  const now = deps.now().toISOString();
  try {
    await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.outboxRecord(record.postId, record.familyId),
        UpdateExpression: 'SET claimedAt = :now, gsi1sk = :now',
        ConditionExpression: '#state = :claimed AND claimedAt = :seen',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':now': now, ':claimed': 'claimed', ':seen': record.claimedAt },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) return 'lost';
    throw error;
  }
  const current = await getPostWithMedia(deps, record.postId);
  if (current?.post.state !== 'published') {
    await settle(deps, [{ ...record, claimedAt: now, state: 'cancelled' }]);
    return 'cancelled';
  }
  await send(deps, postPublished(current.post, record.familyId));
  await settle(deps, [{ ...record, claimedAt: now, state: 'sent' }]);
  return 'sent';
}

/**
 * Claims (post, family): the claim's time, or undefined when it was claimed before. The claim sits in the
 * sweeper's index until settled.
 */
async function claim(deps: Deps, message: Notification): Promise<string | undefined> {
  const now = deps.now().toISOString();
  try {
    await deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: {
          ...tableKeys.outboxRecord(message.postId, message.familyId),
          type: 'outbox',
          postId: message.postId,
          schoolId: message.schoolId,
          familyId: message.familyId,
          state: 'claimed',
          claimedAt: now,
          gsi1pk: pendingPartitions.notify,
          gsi1sk: now,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return now;
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

async function send(deps: Deps, message: Notification): Promise<void> {
  deps.faults?.('notify:after-claim');
  await deps.queues.notifications(message);
}

/**
 * Records outcomes, taking the records out of the sweeper's index: whole-item puts, 25 a request. Safe
 * unconditionally: a claimed record is written by its claimant, or by a sweeper that took it over and
 * settles it the same way.
 */
async function settle(deps: Deps, records: OutboxRecord[]): Promise<void> {
  const settledAt = deps.now().toISOString();
  await batchWriteAll(
    deps.clients.dynamo,
    deps.config.tableName,
    records.map(({ postId, schoolId, familyId, state, claimedAt }) => ({
      PutRequest: {
        Item: {
          ...tableKeys.outboxRecord(postId, familyId),
          type: 'outbox',
          postId,
          schoolId,
          familyId,
          state,
          claimedAt,
          settledAt,
        },
      },
    })),
  );
}

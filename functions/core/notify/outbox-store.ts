import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { queryAll, writeOrFound } from '../../aws/dynamo';
import { pendingKey, tableKeys } from '../../aws/keys';
import { takeLease } from '../../aws/lease';
import { audienceSchema } from '../audience';
import { type Deps, tableOf } from '../deps';
import type { Post } from '../posts/post';
import { type OutboxRecord, outboxRecordSchema } from './outbox-records';

/**
 * The outbox's storage (outbox.ts tells the protocol): a post's plan and its records of batches sent,
 * in the post's `OUTBOX#` partition; open plans and claimed records sit in the sweeper's index.
 */

const planSchema = z.object({
  postId: z.string(),
  schoolId: z.string(),
  audience: z.array(audienceSchema),
  state: z.enum(['open', 'complete']),
});

type Plan = z.infer<typeof planSchema>;

/**
 * Writes a post's plan unless it has one (its first publish fixed it): then `created` is false and the
 * plan that refused the write comes with the answer. Open until completed.
 */
export async function createPlan(
  deps: Deps,
  post: Post,
): Promise<{ created: true } | { created: false; existing: Plan | undefined }> {
  const now = deps.now().toISOString();
  const answer = await writeOrFound(
    tableOf(deps),
    tableKeys.outboxPlan(post.id),
    deps.clients.dynamo.send(
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
          gsi1pk: pendingKey('notify', post.id),
          gsi1sk: now,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  return answer.written
    ? { created: true }
    : { created: false, existing: answer.found ? planSchema.parse(answer.found) : undefined };
}

/** A post's plan (strongly consistent), if it has one. */
export async function readPlan(deps: Deps, postId: string) {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: tableKeys.outboxPlan(postId), ConsistentRead: true }),
  );
  return Item ? planSchema.parse(Item) : undefined;
}

/** Completes a post's plan: out of the sweeper's index, never sent again. */
export async function completePlan(deps: Deps, postId: string): Promise<void> {
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

/** Every record of a post's outbox (strongly consistent: a claimant decides from it). */
export async function readRecords(deps: Deps, postId: string): Promise<OutboxRecord[]> {
  const items = await queryAll(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': tableKeys.outboxPlan(postId).pk },
    ConsistentRead: true,
  });
  return items
    .filter((item) => item.type === 'outbox' || item.type === 'outbox-batch')
    .map((item) => outboxRecordSchema.parse(item));
}

/**
 * Claims batch number `batch` of a post for `familyIds`: the record, or undefined when another sender
 * holds that number already. One take of the lease (functions/aws/lease.ts) that creates the record and
 * never takes a lapsed one over (it would replace that batch's families): that is the sweeper's
 * ({@link takeOver}). The claim sits in the sweeper's index until settled.
 *
 * An outbox claim has no lease of its own (`leaseUntil` is the moment it was claimed): the sweeper's
 * grace is its lease — a claim older than that is presumed dead, as all work the sweeper finds is.
 */
export async function claimBatch(
  deps: Deps,
  post: { id: string; schoolId: string },
  batch: number,
  familyIds: string[],
): Promise<OutboxRecord | undefined> {
  const now = deps.now();
  const answer = await takeLease(tableOf(deps), {
    key: tableKeys.outboxBatch(post.id, batch),
    free: 'attribute_not_exists(pk)',
    takeOver: false,
    held: 'claimed',
    now,
    leaseMs: 0,
    set: [
      '#type = :type',
      'postId = :postId',
      'schoolId = :schoolId',
      '#batch = :batch',
      'familyIds = :familyIds',
      'claimedAt = :now',
      'gsi1pk = :pending',
      'gsi1sk = :now',
    ],
    // `batch` is one of DynamoDB's reserved words.
    names: { '#type': 'type', '#batch': 'batch' },
    values: {
      ':type': 'outbox-batch',
      ':postId': post.id,
      ':schoolId': post.schoolId,
      ':batch': batch,
      ':familyIds': new Set(familyIds),
      ':now': now.toISOString(),
      // A post's batches spread over the shards: a large school's first publish claims dozens at once.
      ':pending': pendingKey('notify', `${post.id}#${batch}`),
    },
  });
  return answer.taken ? outboxRecordSchema.parse(answer.item) : undefined;
}

/**
 * Takes over a record whose claimant died before settling it (only one sweeper wins): the record with
 * its new claim time and the family ids it holds now, or undefined when someone else took it. `staleBefore`:
 * the sweeper's cutoff — a claim made before it has lapsed. Records claimed before outbox claims were
 * leases carry no `leaseUntil`: their claim time says the same.
 */
export async function takeOver(deps: Deps, record: OutboxRecord, staleBefore: Date): Promise<OutboxRecord | undefined> {
  const now = deps.now();
  const answer = await takeLease(tableOf(deps), {
    key: record.key,
    free: '#state = :held AND attribute_not_exists(leaseUntil) AND claimedAt < :stale',
    held: 'claimed',
    now,
    leaseMs: 0,
    lapsedBefore: staleBefore,
    set: ['claimedAt = :claimed', 'gsi1sk = :claimed'],
    values: { ':claimed': now.toISOString(), ':stale': staleBefore.toISOString() },
  });
  return answer.taken ? outboxRecordSchema.parse(answer.item) : undefined;
}

/**
 * Records a record's outcome and takes it out of the sweeper's index. An update of the state alone: the
 * family ids stay as they are now (an erasure meanwhile is not undone); the note of who was sent to
 * before is dropped, needed only while the batch is claimed (so an id an erasure raced past goes too). Unconditional: a claimed record
 * is settled by its claimant, or by the sweeper that took it over, the same way.
 */
export async function settleRecord(deps: Deps, record: OutboxRecord, state: 'sent' | 'cancelled'): Promise<void> {
  await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: record.key,
      UpdateExpression: 'SET #state = :state, settledAt = :now REMOVE gsi1pk, gsi1sk, sentIds',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':state': state, ':now': deps.now().toISOString() },
    }),
  );
}

/**
 * Notes the families of a still-claimed batch that were sent to when a neighbour's send failed, so that
 * whoever finishes the batch sends only the rest (as records per family did). A set: adding twice is harmless.
 */
export async function markSent(deps: Deps, record: OutboxRecord, familyIds: string[]): Promise<void> {
  if (familyIds.length === 0 || record.batch === undefined) return;
  await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: record.key,
      UpdateExpression: 'ADD sentIds :sent',
      ExpressionAttributeValues: { ':sent': new Set(familyIds) },
    }),
  );
}

/**
 * Erasure: takes a family out of a post's outbox — out of every batch that names it, and its record of
 * the one-per-family kind if there is one. Returns how many items went (a batch stays for its others).
 */
export async function forgetFamilyInOutbox(deps: Deps, postId: string, familyId: string): Promise<number> {
  let deleted = 0;
  // Read as stored, not through the schema: erasure must finish even for a record it cannot fully parse.
  const items = await queryAll(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': tableKeys.outboxPlan(postId).pk },
    ConsistentRead: true,
  });
  for (const { pk, sk, type, familyId: one, familyIds, sentIds } of items) {
    if (type === 'outbox' && one === familyId) {
      const { Attributes } = await deps.clients.dynamo.send(
        new DeleteCommand({ TableName: deps.config.tableName, Key: { pk, sk }, ReturnValues: 'ALL_OLD' }),
      );
      if (Attributes) deleted++;
    } else if (type === 'outbox-batch' && familyIds instanceof Set && familyIds.has(familyId)) {
      await deps.clients.dynamo.send(
        new UpdateCommand({
          TableName: deps.config.tableName,
          Key: { pk, sk },
          UpdateExpression: `DELETE ${sentIds instanceof Set && sentIds.has(familyId) ? 'familyIds :family, sentIds :family' : 'familyIds :family'}`,
          ExpressionAttributeValues: { ':family': new Set([familyId]) },
        }),
      );
    }
  }
  return deleted;
}

import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { isConditionFailed, queryAll } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import { pendingPartitions } from '../posts/store';

/**
 * The outbox's records: one item per **batch of families** a post's notifications went to, not one per
 * family. A record per family cost ~4 DynamoDB write units a family and post (its claim and its settle,
 * each with a pending-index write): at 300 families, ~1,200 units a post, the largest DynamoDB line of the
 * bill (docs/scale.md). A batch of up to `BATCH_FAMILIES` ids still fits one 1 KB write unit, so the same
 * claim and settle cost ~4 units per batch instead.
 *
 * The ids are a DynamoDB string set, so erasing a family takes it out of a batch with one atomic
 * `DELETE` that no later write of the record puts back (claims are the only whole-item writes; takeovers
 * and settles update the state alone).
 *
 * Records written one per family before this change (`FAMILY#<id>` sort keys, type `outbox`) are still
 * read, re-driven and erased: a deployment's table keeps them.
 */

/** Family ids per record: 40 ids of 16 characters and the record's other attributes stay under 1 KB. */
export const BATCH_FAMILIES = 40;

const stateSchema = z.enum(['claimed', 'sent', 'cancelled']);

/** A record as stored: what the sweeper re-drives when its claimant crashed. */
export const outboxRecordSchema = z
  .union([
    z.object({
      type: z.literal('outbox-batch'),
      postId: z.string(),
      schoolId: z.string(),
      batch: z.number(),
      // Absent once erasures took the last id out (DynamoDB stores no empty set).
      familyIds: z.set(z.string()).optional(),
      /** Families of a claimed batch already sent to when a neighbour's send failed: not sent again. */
      sentIds: z.set(z.string()).optional(),
      state: stateSchema,
      claimedAt: z.string(),
    }),
    z.object({
      type: z.literal('outbox'),
      postId: z.string(),
      schoolId: z.string(),
      familyId: z.string(),
      state: stateSchema,
      claimedAt: z.string(),
    }),
  ])
  .transform((record) => ({
    postId: record.postId,
    schoolId: record.schoolId,
    state: record.state,
    claimedAt: record.claimedAt,
    familyIds: record.type === 'outbox' ? [record.familyId] : [...(record.familyIds ?? [])].sort(),
    sentIds: record.type === 'outbox' ? [] : [...(record.sentIds ?? [])],
    key:
      record.type === 'outbox'
        ? tableKeys.outboxRecord(record.postId, record.familyId)
        : tableKeys.outboxBatch(record.postId, record.batch),
    batch: record.type === 'outbox' ? undefined : record.batch,
  }));
export type OutboxRecord = z.output<typeof outboxRecordSchema>;

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
 * Claims batch number `batch` of a post for `familyIds`: the claim's time, or undefined when another
 * sender holds that number already. The claim sits in the sweeper's index until settled.
 */
export async function claimBatch(
  deps: Deps,
  post: { id: string; schoolId: string },
  batch: number,
  familyIds: string[],
): Promise<OutboxRecord | undefined> {
  const now = deps.now().toISOString();
  const item = {
    ...tableKeys.outboxBatch(post.id, batch),
    type: 'outbox-batch',
    postId: post.id,
    schoolId: post.schoolId,
    batch,
    familyIds: new Set(familyIds),
    state: 'claimed',
    claimedAt: now,
  };
  try {
    await deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: { ...item, gsi1pk: pendingPartitions.notify, gsi1sk: now },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return outboxRecordSchema.parse(item);
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/**
 * Takes over a record whose claimant died before settling it (only one sweeper wins): the record with
 * its new claim time and the family ids it holds now, or undefined when someone else took it.
 */
export async function takeOver(deps: Deps, record: OutboxRecord): Promise<OutboxRecord | undefined> {
  const now = deps.now().toISOString();
  try {
    const { Attributes } = await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: record.key,
        UpdateExpression: 'SET claimedAt = :now, gsi1sk = :now',
        ConditionExpression: '#state = :claimed AND claimedAt = :seen',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':now': now, ':claimed': 'claimed', ':seen': record.claimedAt },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return outboxRecordSchema.parse(Attributes);
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
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

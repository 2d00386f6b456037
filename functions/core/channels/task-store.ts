import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { storeKeys, tableKeys } from '../../aws/keys';
import { LEASE_ENDED, moveLease, takeLease } from '../../aws/lease';
import { type Deps, tableOf } from '../deps';
import type { Post } from '../posts/post';

/**
 * Fan-out tasks, one per (post, version, channel), in the post's partition: leased through the one lease
 * primitive (aws/lease.ts), marked done, and remembered for a month for the audit of where a post went.
 */

/** How long a fan-out worker holds a (post, version, channel) task before another may take it over. */
export const TASK_LEASE_MS = 60_000;
/** Task records are kept for a month, for the audit of where a post went; DynamoDB TTL deletes them. */
const TASK_RETENTION_S = 30 * 24 * 3600;

export type TaskKey = { pk: string; sk: string };

export const taskKey = (post: Pick<Post, 'id' | 'version'>, channelId: string): TaskKey =>
  storeKeys.fanoutTask(post.id, post.version, channelId);

/**
 * Takes a task that is free, or one whose worker's lease ran out. `taken` with the archive pages an
 * earlier attempt remembered; otherwise whether it is done already (else another worker holds it).
 */
export async function takeTask(
  deps: Deps,
  key: TaskKey,
  channelId: string,
): Promise<{ taken: true; pages: number[] } | { taken: false; done: boolean }> {
  const now = deps.now();
  const answer = await takeLease(tableOf(deps), {
    key,
    free: 'attribute_not_exists(pk)',
    held: 'claimed',
    now,
    leaseMs: TASK_LEASE_MS,
    set: ['#type = :type', 'channelId = :channelId', 'expiresAt = :expires'],
    names: { '#type': 'type' },
    values: {
      ':type': 'fanout-task',
      ':channelId': channelId,
      ':expires': Math.floor(now.getTime() / 1000) + TASK_RETENTION_S,
    },
  });
  if (answer.taken) return { taken: true, pages: (answer.item.pages as number[] | undefined) ?? [] };
  return { taken: false, done: answer.holder?.state === 'done' };
}

export async function markTaskDone(deps: Deps, key: TaskKey): Promise<void> {
  await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: key,
      UpdateExpression: 'SET #state = :done, doneAt = :now',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':done': 'done', ':now': deps.now().toISOString() },
    }),
  );
}

/** Remembers the archive pages a task is changing, so a retry after a crash still re-renders them. */
export async function rememberTaskPages(deps: Deps, key: TaskKey, pages: number[]): Promise<void> {
  await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: key,
      UpdateExpression: 'SET pages = :pages',
      ExpressionAttributeValues: { ':pages': [...new Set(pages)] },
    }),
  );
}

/** Every channel any fan-out task of this post ever touched. */
export async function taskedChannels(deps: Deps, postId: string): Promise<string[]> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :task)',
      ExpressionAttributeValues: { ':pk': tableKeys.postPartition(postId), ':task': storeKeys.fanoutTaskPrefix },
      ProjectionExpression: 'channelId',
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => String(item.channelId));
}

/**
 * Voids the fan-out task leases of a post taken before `before`: without this a re-driven job would find
 * its tasks held by the killed process and wait out the lease (retries, then the dead-letter list).
 * Returns how many were voided.
 */
export async function expireTaskLeases(deps: Deps, postId: string, before: Date): Promise<number> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :task)',
      FilterExpression: '#state = :claimed',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':pk': tableKeys.postPartition(postId),
        ':task': storeKeys.fanoutTaskPrefix,
        ':claimed': 'claimed',
      },
      ConsistentRead: true,
    }),
  );
  let expired = 0;
  for (const task of Items) {
    const moved = await moveLease(tableOf(deps), {
      key: { pk: task.pk, sk: task.sk },
      held: 'claimed',
      until: LEASE_ENDED,
      takenBefore: { at: before, leaseMs: TASK_LEASE_MS },
    });
    if (moved) expired++;
  }
  return expired;
}

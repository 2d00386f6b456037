import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import type { Failure } from './post';
import { getPostWithMedia, pendingPartitions } from './store';

/**
 * Moves a processing post on once its media settled: every file ready → published (and a fan-out job
 * is sent); any file failed → failed with that file's reason, so nothing half-processed is published.
 * Safe to call any number of times: the state change is a conditional write, and only its winner sends.
 */
export async function settlePost(deps: Deps, postId: string): Promise<void> {
  const current = await getPostWithMedia(deps, postId);
  if (!current || current.post.state !== 'processing') return;
  const failed = current.media.find((m) => m.state === 'failed');
  if (failed) {
    await failPost(deps, postId, failed.failure ?? { code: 'failed', message: 'A file could not be processed.' });
    return;
  }
  if (!current.media.every((m) => m.state === 'ready')) return;
  const now = deps.now().toISOString();
  try {
    await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.post(postId),
        UpdateExpression:
          'SET #state = :published, publishedAt = :now, updatedAt = :now, version = version + :one, gsi1pk = :pending, gsi1sk = :now',
        ConditionExpression: '#state = :processing',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':published': 'published',
          ':processing': 'processing',
          ':now': now,
          ':one': 1,
          ':pending': pendingPartitions.fanout,
        },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) return;
    throw error;
  }
  await deps.queues.fanout({ kind: 'publish', postId });
}

async function failPost(deps: Deps, postId: string, failure: Failure): Promise<void> {
  try {
    await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.post(postId),
        UpdateExpression: 'SET #state = :failed, failure = :failure, updatedAt = :now',
        ConditionExpression: '#state = :processing',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':processing': 'processing',
          ':failure': failure,
          ':now': deps.now().toISOString(),
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

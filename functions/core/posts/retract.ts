import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import type { Principal } from '../auth/tokens';
import type { Deps } from '../deps';
import { getPostWithMedia, pendingPartitions } from './store';

/**
 * Retracts a post of the caller's school: one action, and the fan-out removes it from every channel and
 * deletes its media. Retracting twice is harmless. Returns false when there is no such post.
 */
export async function retractPost(deps: Deps, principal: Principal, postId: string): Promise<boolean> {
  const now = deps.now().toISOString();
  try {
    await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.post(postId),
        UpdateExpression:
          'SET #state = :retracted, retractedAt = :now, updatedAt = :now, version = version + :one, gsi1pk = :pending, gsi1sk = :now',
        ConditionExpression: 'schoolId = :school AND #state <> :retracted',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':retracted': 'retracted',
          ':school': principal.schoolId,
          ':now': now,
          ':one': 1,
          ':pending': pendingPartitions.fanout,
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    // Either already retracted (fine: re-send below is idempotent) or not this school's post.
  }
  const current = await getPostWithMedia(deps, postId);
  if (!current || current.post.schoolId !== principal.schoolId) return false;
  await deps.queues.fanout({ kind: 'retract', postId });
  return true;
}

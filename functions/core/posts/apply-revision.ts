import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import type { Post } from './post';
import { dropRevision, type Revision } from './revision';
import { pendingPartitions } from './store';

/**
 * An admin approved a change to an approved post: the post takes the revision's caption and audience
 * (a new version the fan-out renders, when it is live) and the revision goes. A crash between the two
 * leaves the revision in the queue; approving it again writes the same values, so nothing is lost or
 * doubled. False when the post changed meanwhile (the admin looks again).
 */
export async function applyRevision(deps: Deps, post: Post, revision: Revision): Promise<boolean> {
  const now = deps.now().toISOString();
  const live = post.state === 'published';
  const sets = ['updatedAt = :now'];
  const values: Record<string, unknown> = { ':now': now, ':version': post.version, ':state': post.state };
  if (revision.caption !== undefined) {
    sets.push('caption = :caption', 'tags = :tags');
    Object.assign(values, { ':caption': revision.caption, ':tags': revision.tags ?? [] });
  }
  if (revision.audience) {
    sets.push('audience = :audience');
    values[':audience'] = revision.audience;
  }
  if (live) {
    sets.push('version = version + :one', 'gsi1pk = :fanout', 'gsi1sk = :now');
    Object.assign(values, { ':one': 1, ':fanout': pendingPartitions.fanout });
  }
  try {
    await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.post(post.id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'version = :version AND #state = :state',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
  await dropRevision(deps, post.id);
  if (live) await deps.queues.fanout({ kind: 'publish', postId: post.id });
  return true;
}

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, queryPages } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import { isPublic } from '../audience';
import type { Deps } from '../deps';
import { getPostWithMedia, pendingPartitions } from '../posts/store';

/**
 * After a school joined or left its trust's wall: every published public post of the school gets a new
 * version and a publish job, so the fan-out — which makes each channel agree with the post — adds it to
 * the wall, or takes it off and re-renders the wall without it. Content is unchanged (no new "updated"
 * time, and no second notification: a post's notification plan is made once). Returns how many posts.
 */
export async function resyncWall(deps: Deps, schoolId: string): Promise<number> {
  let count = 0;
  const pages = queryPages(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': tableKeys.postsOfSchool(schoolId) },
  });
  for await (const page of pages) {
    for (const pointer of page) {
      const current = await getPostWithMedia(deps, String(pointer.postId));
      if (current?.post.state !== 'published' || !isPublic(current.post.audience)) continue;
      try {
        await deps.clients.dynamo.send(
          new UpdateCommand({
            TableName: deps.config.tableName,
            Key: tableKeys.post(current.post.id),
            UpdateExpression: 'SET version = version + :one, gsi1pk = :fanout, gsi1sk = :now',
            ConditionExpression: '#state = :published AND version = :version',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':fanout': pendingPartitions.fanout,
              ':now': deps.now().toISOString(),
              ':published': 'published',
              ':version': current.post.version,
            },
          }),
        );
      } catch (error) {
        // Changed meanwhile (edited, retracted): that change has its own job, which reads the school anew.
        if (isConditionFailed(error)) continue;
        throw error;
      }
      await deps.queues.fanout({ kind: 'publish', postId: current.post.id });
      count++;
    }
  }
  return count;
}

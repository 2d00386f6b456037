import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import type { Failure } from '../errors';
import { type LifecycleContext, nextState, type PostEvent } from './lifecycle';
import { notifyApprovers } from './notify-approvers';
import type { Post, PostState } from './post';
import { approvalPartition, pendingPartitions } from './store';

/** States whose entry the channels must hear about (they appear, or they vanish). */
const fanoutStates = new Set<PostState>(['published', 'retracted']);

/**
 * Applies an event to a post with a conditional write on its current state and version, so of two
 * racing callers exactly one wins; only the winner sends the follow-up message. Returns the new state,
 * or undefined when the event did not apply (or someone else already applied it).
 */
export async function applyEvent(
  deps: Deps,
  post: Post,
  event: PostEvent,
  context: LifecycleContext,
  extra: { failure?: Failure; sentBack?: Post['sentBack'] } = {},
): Promise<PostState | undefined> {
  const to = nextState(post, event, context);
  if (!to || to === post.state) return undefined;
  const now = deps.now().toISOString();
  const sets = ['#state = :to', 'updatedAt = :now'];
  const values: Record<string, unknown> = { ':to': to, ':from': post.state, ':version': post.version, ':now': now };
  let removeIndex = true;
  if (fanoutStates.has(to)) {
    sets.push('version = version + :one', 'gsi1pk = :fanout', 'gsi1sk = :now');
    Object.assign(values, { ':one': 1, ':fanout': pendingPartitions.fanout });
    removeIndex = false;
  }
  if (to === 'published' && !post.publishedAt) sets.push('publishedAt = :now');
  if (to === 'retracted') sets.push('retractedAt = :now');
  if (to === 'scheduled') {
    sets.push('gsi1pk = :scheduled', 'gsi1sk = :publishAt');
    Object.assign(values, { ':scheduled': pendingPartitions.scheduled, ':publishAt': post.publishAt });
    removeIndex = false;
  }
  if (to === 'processing') {
    // A submitted draft waits for its files in the settle partition, like a new post (see create.ts).
    sets.push('gsi1pk = :settle', 'gsi1sk = :now');
    values[':settle'] = pendingPartitions.settle;
    removeIndex = false;
  }
  if (to === 'pending_approval') {
    sets.push('gsi1pk = :approval', 'gsi1sk = :now');
    values[':approval'] = approvalPartition(post.schoolId);
    removeIndex = false;
  }
  if (extra.sentBack) {
    sets.push('sentBack = :sentBack');
    values[':sentBack'] = extra.sentBack;
  }
  if (extra.failure) {
    sets.push('failure = :failure');
    values[':failure'] = extra.failure;
  }
  try {
    await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.post(post.id),
        UpdateExpression: `SET ${sets.join(', ')}${removeIndex && post.renderedVersion >= post.version ? ' REMOVE gsi1pk, gsi1sk' : ''}`,
        ConditionExpression: '#state = :from AND version = :version',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
  if (fanoutStates.has(to)) await deps.queues.fanout({ kind: to === 'retracted' ? 'retract' : 'publish', postId: post.id });
  if (to === 'pending_approval') await notifyApprovers(deps, post);
  return to;
}

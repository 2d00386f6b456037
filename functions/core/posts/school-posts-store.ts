import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, conditionalWrite, queryPages } from '../../aws/dynamo';
import { approvalPartition, pendingKey, tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';

/**
 * A school's posts as its indexes list them, for the school-wide jobs outside posts/ (retention, export,
 * the trust wall, the approval queue, a family's erasure at one school). Only ids and schools come out:
 * the callers read each post through posts/store.ts, which stays the one reader of post items.
 */

/**
 * The ids of a school's posts, page by page, in the order they were made (oldest first); with
 * `madeBefore`, only those made before that moment (the pointers sort by creation time).
 */
export async function* schoolPostIdPages(deps: Deps, schoolId: string, madeBefore?: string): AsyncGenerator<string[]> {
  const pages = queryPages(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    KeyConditionExpression: madeBefore ? 'pk = :pk AND sk < :cutoff' : 'pk = :pk',
    ExpressionAttributeValues: { ':pk': tableKeys.postsOfSchool(schoolId), ...(madeBefore ? { ':cutoff': madeBefore } : {}) },
  });
  for await (const page of pages) yield page.map((pointer) => String(pointer.postId));
}

/** Every id of a school's posts, oldest first. */
export async function schoolPostIds(deps: Deps, schoolId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of schoolPostIdPages(deps, schoolId)) ids.push(...page);
  return ids;
}

/** The ids of the posts (or changes to posts) in the school's approval queue, as the index has them (eventually consistent). */
export async function postIdsAwaitingApproval(deps: Deps, schoolId: string): Promise<string[]> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': approvalPartition(schoolId) },
    }),
  );
  return [...new Set(Items.map((item) => String(item.id)))];
}

/** Each post's school (a post no longer in the table is nobody's). */
export async function schoolsOfPosts(deps: Deps, postIds: string[]): Promise<Map<string, string>> {
  const items = await batchGetAll(
    deps.clients.dynamo,
    deps.config.tableName,
    postIds.map((id) => tableKeys.post(id)),
  );
  return new Map(items.map((item) => [String(item.id), String(item.schoolId)]));
}

/**
 * Gives a published post a new version and puts it in the fan-out's pending index, if it is still
 * published at the version read (content unchanged): its channels are then made to agree with it again.
 * False when it changed meanwhile (that change has its own job).
 */
export async function requeuePublishedPost(deps: Deps, postId: string, version: number): Promise<boolean> {
  return conditionalWrite(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.post(postId),
        UpdateExpression: 'SET version = version + :one, gsi1pk = :fanout, gsi1sk = :now',
        ConditionExpression: '#state = :published AND version = :version',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':fanout': pendingKey('fanout', postId),
          ':now': deps.now().toISOString(),
          ':published': 'published',
          ':version': version,
        },
      }),
    ),
  );
}

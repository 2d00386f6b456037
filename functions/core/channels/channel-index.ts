import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import { type FeedEntry, feedEntrySchema } from './entry';

/** How many entries a channel's feed and page hold. */
export const FEED_PAGE_SIZE = 50;

/** The public channel of a school. Private channels (classes, families) join this in their issue. */
export const publicChannelId = (schoolId: string) => `${schoolId}:public`;

const revisionKey = (channelId: string) => ({ pk: tableKeys.feedPartition(channelId), sk: '~REVISION' });

/** Adds (or replaces) a post's entry in a channel's index. Idempotent. */
export async function putEntry(deps: Deps, channelId: string, entry: FeedEntry): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { ...tableKeys.feedEntry(channelId, entry.publishedAt, entry.postId), type: 'feed-entry', entry },
    }),
  );
  await bumpRevision(deps, channelId);
}

/** Removes a post's entry from a channel's index. Idempotent. */
export async function deleteEntry(deps: Deps, channelId: string, publishedAt: string, postId: string): Promise<void> {
  await deps.clients.dynamo.send(
    new DeleteCommand({ TableName: deps.config.tableName, Key: tableKeys.feedEntry(channelId, publishedAt, postId) }),
  );
  await bumpRevision(deps, channelId);
}

/** The newest entries of a channel, newest first. */
export async function latestEntries(deps: Deps, channelId: string, limit = FEED_PAGE_SIZE): Promise<FeedEntry[]> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk AND sk < :revision',
      ExpressionAttributeValues: { ':pk': tableKeys.feedPartition(channelId), ':revision': '~' },
      ScanIndexForward: false,
      Limit: limit,
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => feedEntrySchema.parse(item.entry));
}

/**
 * A channel's revision counts changes to its index. Renderers read it before and after writing their
 * artifacts: if it moved, a concurrent change may have been overwritten by a stale render, so they
 * render again. The last writer therefore always wrote the newest index.
 */
export async function channelRevision(deps: Deps, channelId: string): Promise<number> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: revisionKey(channelId), ConsistentRead: true }),
  );
  return Number(Item?.revision ?? 0);
}

async function bumpRevision(deps: Deps, channelId: string): Promise<void> {
  await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: revisionKey(channelId),
      UpdateExpression: 'ADD revision :one',
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
}

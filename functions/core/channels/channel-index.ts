import { BatchWriteCommand, DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import { type FeedEntry, feedEntrySchema } from './entry';

/** How many entries a channel's current document holds, and how many each archive page holds. */
export const FEED_PAGE_SIZE = 50;

/**
 * A channel's index. The main partition holds every entry sorted by publish time (the current
 * document reads its newest N). Each entry also gets a permanent archive page number from a channel
 * counter, and a copy in that page's partition, so an archive page is one query of at most N items:
 * publishing costs the same with 10 or 10,000 posts in the channel.
 */
const mainPartition = (channelId: string) => tableKeys.feedPartition(channelId);
const pagePartition = (channelId: string, page: number) => `${tableKeys.feedPartition(channelId)}#PAGE#${page}`;
const metaKey = (channelId: string) => ({ pk: mainPartition(channelId), sk: '~META' });
const entryKey = (channelId: string, entry: Pick<FeedEntry, 'publishedAt' | 'postId'>) => ({
  pk: mainPartition(channelId),
  sk: `${entry.publishedAt}#${entry.postId}`,
});

export interface ChannelMeta {
  /** Counts changes to the index; see `renderChannel` for why. */
  revision: number;
  /** Entries ever added (gaps are harmless); the newest archive page is `pageOf(count - 1)`. */
  count: number;
}

export const pageOf = (sequence: number) => Math.floor(sequence / FEED_PAGE_SIZE);

/**
 * Adds or replaces a post's entry. Returns its archive page, and whether the page is new (so the page
 * before it gains a next-archive link). Idempotent: a replayed add keeps the entry's page.
 */
export async function putEntry(deps: Deps, channelId: string, entry: FeedEntry): Promise<{ page: number; opened: boolean }> {
  const table = deps.config.tableName;
  const { Item: existing } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: table, Key: entryKey(channelId, entry), ConsistentRead: true }),
  );
  let page = existing?.page as number | undefined;
  let opened = false;
  if (page === undefined) {
    const { Attributes } = await deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: table,
        Key: metaKey(channelId),
        UpdateExpression: 'ADD #count :one',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const sequence = Number(Attributes?.count ?? 1) - 1;
    page = pageOf(sequence);
    opened = sequence % FEED_PAGE_SIZE === 0 && page > 0;
  }
  await deps.clients.dynamo.send(
    new BatchWriteCommand({
      RequestItems: {
        [table]: [
          { PutRequest: { Item: { ...entryKey(channelId, entry), type: 'feed-entry', page, entry } } },
          {
            PutRequest: {
              Item: {
                pk: pagePartition(channelId, page),
                sk: `${entry.publishedAt}#${entry.postId}`,
                type: 'feed-page-entry',
                entry,
              },
            },
          },
        ],
      },
    }),
  );
  await bumpRevision(deps, channelId);
  return { page, opened };
}

/** Removes a post's entry from the channel and its archive page; returns that page (if it was there). */
export async function deleteEntry(
  deps: Deps,
  channelId: string,
  entry: Pick<FeedEntry, 'publishedAt' | 'postId'>,
): Promise<number | undefined> {
  const table = deps.config.tableName;
  const { Item: existing } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: table, Key: entryKey(channelId, entry), ConsistentRead: true }),
  );
  const page = existing?.page as number | undefined;
  if (page !== undefined) {
    await deps.clients.dynamo.send(
      new DeleteCommand({
        TableName: table,
        Key: { pk: pagePartition(channelId, page), sk: `${entry.publishedAt}#${entry.postId}` },
      }),
    );
  }
  await deps.clients.dynamo.send(new DeleteCommand({ TableName: table, Key: entryKey(channelId, entry) }));
  await bumpRevision(deps, channelId);
  return page;
}

/** The newest entries of a channel, newest first. */
export async function latestEntries(deps: Deps, channelId: string, limit = FEED_PAGE_SIZE): Promise<FeedEntry[]> {
  return queryEntries(deps, mainPartition(channelId), limit);
}

/** An archive page's entries, newest first. */
export async function pageEntries(deps: Deps, channelId: string, page: number): Promise<FeedEntry[]> {
  return queryEntries(deps, pagePartition(channelId, page), FEED_PAGE_SIZE);
}

async function queryEntries(deps: Deps, partition: string, limit: number): Promise<FeedEntry[]> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk AND sk < :meta',
      ExpressionAttributeValues: { ':pk': partition, ':meta': '~' },
      ScanIndexForward: false,
      Limit: limit,
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => feedEntrySchema.parse(item.entry));
}

/** The channel's counters (zero for a channel that never had an entry). */
export async function channelMeta(deps: Deps, channelId: string): Promise<ChannelMeta> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: metaKey(channelId), ConsistentRead: true }),
  );
  return { revision: Number(Item?.revision ?? 0), count: Number(Item?.count ?? 0) };
}

async function bumpRevision(deps: Deps, channelId: string): Promise<void> {
  await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: metaKey(channelId),
      UpdateExpression: 'ADD revision :one',
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
}

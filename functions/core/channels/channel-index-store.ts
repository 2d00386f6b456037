import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from '../../aws/dynamo';
import { storeKeys, tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';
import { type FeedEntry, feedEntrySchema } from './entry';

/**
 * A channel's index. Each entry gets a permanent archive page number from a channel counter (RFC 5005
 * archived feeds): page p holds the entries numbered p·N … p·N + N − 1 (N = `config.feedPageSize`).
 * Every entry sits in the channel's main partition (to find its page) and in its page's partition, so a
 * document is one or two queries of at most N items: publishing costs the same with 10 or 10,000 posts.
 *
 * A page that is full (a newer page was opened) is an archive document, and no later publish changes it.
 * The current document holds the page being filled and the last full one, so a feed reader that never
 * follows archive links still sees at least N posts; its prev-archive link skips to the page before
 * those, so walking the archive chain from the current document meets every post exactly once.
 */
const pagePartition = storeKeys.feedPagePartition;
const metaKey = storeKeys.feedMeta;
const entryKey = (channelId: string, entry: EntryPlace) => tableKeys.feedEntry(channelId, entry.publishedAt, entry.postId);
const entrySk = (entry: EntryPlace) => entryKey('', entry).sk;

/** Sorts after every entry's key (entries start with an ISO date). */
export const META_SK = storeKeys.feedMetaSk;

/** Where an entry sits: its channel partition and its place in time. */
export type EntryPlace = Pick<FeedEntry, 'publishedAt' | 'postId'>;

export interface ChannelMeta {
  /** False until the channel was first rendered or given an entry: only existing channels have documents. */
  exists: boolean;
  /** Counts changes to the index; see `renderChannel` for why. */
  revision: number;
  /** Entries ever added (gaps are harmless); the newest archive page is `pageOf(count - 1)`. */
  count: number;
  /**
   * The newest archive page whose documents a render has finished writing since the page became full
   * (every page before it too); undefined for a channel indexed before this was recorded. See
   * `renderChannel` for why this, and not the entry that opened the next page, decides it.
   */
  archived?: number;
}

/** The archive page of the entry with this sequence number. */
export const pageOf = (sequence: number, pageSize: number) => Math.floor(sequence / pageSize);

/** The newest page of a channel with `count` entries ever added (still filling); -1 when it has none. */
export const newestPage = (count: number, pageSize: number) => (count > 0 ? pageOf(count - 1, pageSize) : -1);

/** The pages the current document shows: the one filling and the last full one. */
export const currentPages = (newest: number) => [newest - 1, newest].filter((p) => p >= 0);

/** Whether page `page` is a published archive document: every page before the newest is full. */
export const isArchived = (page: number, newest: number) => page >= 0 && page < newest;

/** The archive document the current one links to as prev-archive (-1: none yet). */
export const newestArchiveLinked = (newest: number) => newest - 2;

/**
 * Adds or replaces a post's entry. Returns its archive page and the channel's counters after the change.
 * Idempotent: a replayed add keeps the entry's page.
 */
export async function putEntry(deps: Deps, channelId: string, entry: FeedEntry): Promise<{ page: number; meta: ChannelMeta }> {
  const table = deps.config.tableName;
  const { Item: existing } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: table, Key: entryKey(channelId, entry), ConsistentRead: true }),
  );
  let page = existing?.page as number | undefined;
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
    page = pageOf(Number(Attributes?.count ?? 1) - 1, deps.config.feedPageSize);
  }
  await deps.clients.dynamo.send(
    new BatchWriteCommand({
      RequestItems: { [table]: entryItems(channelId, entry, page).map((Item) => ({ PutRequest: { Item } })) },
    }),
  );
  return { page, meta: await bumpRevision(deps, channelId) };
}

/**
 * The two items that place an entry on archive page `page`: in the channel's main partition and in the
 * page's. (Exported for bulk loading, e.g. the publish benchmark's 10,000 existing posts.)
 */
export function entryItems(channelId: string, entry: FeedEntry, page: number): Record<string, unknown>[] {
  return [
    { ...entryKey(channelId, entry), type: 'feed-entry', page, entry },
    { pk: pagePartition(channelId, page), sk: entrySk(entry), type: 'feed-page-entry', entry },
  ];
}

/** The archive page holding a post's entry in the channel, or undefined when the post is not in it. */
export async function entryPage(deps: Deps, channelId: string, place: EntryPlace): Promise<number | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: entryKey(channelId, place), ConsistentRead: true }),
  );
  return Item?.page as number | undefined;
}

/**
 * Removes a post's entry (found on `page` by `entryPage`) from the channel and its archive page; returns
 * the channel's counters after the change.
 */
export async function deleteEntry(deps: Deps, channelId: string, place: EntryPlace, page: number): Promise<ChannelMeta> {
  const table = deps.config.tableName;
  await Promise.all([
    deps.clients.dynamo.send(
      new DeleteCommand({ TableName: table, Key: { pk: pagePartition(channelId, page), sk: entrySk(place) } }),
    ),
    deps.clients.dynamo.send(new DeleteCommand({ TableName: table, Key: entryKey(channelId, place) })),
  ]);
  return bumpRevision(deps, channelId);
}

/** The current document's entries (see `currentPages`), newest first. */
export async function currentEntries(deps: Deps, channelId: string, newest: number): Promise<FeedEntry[]> {
  const pages = await Promise.all(currentPages(newest).map((page) => pageEntries(deps, channelId, page)));
  return pages.flat().sort(newestFirst);
}

/** Index order: newest first, by the `<publishedAt>#<postId>` key the partitions sort on. */
export function newestFirst(a: EntryPlace, b: EntryPlace): number {
  const [ka, kb] = [entrySk(a), entrySk(b)];
  return ka < kb ? 1 : ka > kb ? -1 : 0;
}

/** An archive page's entries, newest first. */
export async function pageEntries(deps: Deps, channelId: string, page: number): Promise<FeedEntry[]> {
  return queryEntries(deps, pagePartition(channelId, page));
}

async function queryEntries(deps: Deps, partition: string): Promise<FeedEntry[]> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk AND sk < :meta',
      ExpressionAttributeValues: { ':pk': partition, ':meta': META_SK },
      ScanIndexForward: false,
      Limit: deps.config.feedPageSize,
      ConsistentRead: true,
    }),
  );
  return Items.map((item) => feedEntrySchema.parse(item.entry));
}

/** The channel's counters (zero, and not existing, for a channel never rendered). */
export async function channelMeta(deps: Deps, channelId: string): Promise<ChannelMeta> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: metaKey(channelId), ConsistentRead: true }),
  );
  return metaOf(Item);
}

const metaOf = (item: Record<string, unknown> | undefined): ChannelMeta => ({
  exists: item !== undefined,
  revision: Number(item?.revision ?? 0),
  count: Number(item?.count ?? 0),
  ...(typeof item?.archived === 'number' ? { archived: item.archived } : {}),
});

/**
 * Records that archive pages up to `page` have their documents (see `ChannelMeta.archived`). Only ever
 * raised: a slower render that finished older pages cannot lower it. Does not bump the revision — the
 * index did not change, and renders racing this one must not start again for it.
 */
export async function markArchived(deps: Deps, channelId: string, page: number): Promise<void> {
  // Refused: a later page is already marked (or the channel is gone) — nothing to do.
  await conditionalWrite(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: metaKey(channelId),
        UpdateExpression: 'SET archived = :page',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(archived) OR archived < :page)',
        ExpressionAttributeValues: { ':page': page },
      }),
    ),
  );
}

/**
 * Records that a channel exists (it is about to get documents), so the set of channels with documents
 * can be read from the table: a rebuild renders exactly these. Idempotent.
 */
export async function openChannel(deps: Deps, channelId: string): Promise<void> {
  // Refused: it is open already, and its counters stay as they are.
  await conditionalWrite(
    deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: { ...metaKey(channelId), revision: 0 },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

/**
 * Marks the channel changed — its index (after the change: see `renderChannel`), or its address (a token
 * rotation) — and returns the counters it now holds.
 */
export async function bumpRevision(deps: Deps, channelId: string): Promise<ChannelMeta> {
  const { Attributes } = await deps.clients.dynamo.send(
    new UpdateCommand({
      TableName: deps.config.tableName,
      Key: metaKey(channelId),
      UpdateExpression: 'ADD revision :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return metaOf(Attributes);
}

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll, queryPages } from './dynamo';
import { type PendingPartition, pendingReadKeys } from './keys';

/**
 * Reading a pending partition of the sparse index (`gsi1`), which is split into shards (aws/keys.ts
 * `pendingShards`): every key of {@link pendingReadKeys} — the shards and the unsharded legacy key — is
 * queried with the same condition on the sort key, a time.
 */
export interface PendingQuery {
  tableName: string;
  partition: PendingPartition;
  /** `<` or `<=`: how the sort key compares with `bound`. */
  before: '<' | '<=';
  bound: string;
}

const inputOf = (query: PendingQuery, key: string) => ({
  TableName: query.tableName,
  IndexName: 'gsi1',
  KeyConditionExpression: `gsi1pk = :pk AND gsi1sk ${query.before} :bound`,
  ExpressionAttributeValues: { ':pk': key, ':bound': query.bound },
});

/** Code-unit order of the sort keys, as DynamoDB sorts them (not the locale's). */
const bySortKey = (a: Record<string, unknown>, b: Record<string, unknown>) => {
  const [x, y] = [String(a.gsi1sk), String(b.gsi1sk)];
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Every matching item of the partition, oldest first: its keys queried at once, merged by sort key. */
export async function pendingItems(dynamo: DynamoDBDocumentClient, query: PendingQuery): Promise<Record<string, unknown>[]> {
  const shards = await Promise.all(pendingReadKeys(query.partition).map((key) => queryAll(dynamo, inputOf(query, key))));
  return shards.flat().sort(bySortKey);
}

/**
 * The matching items a page at a time, for work too large to hold at once: shard after shard, each oldest
 * first, so the order is by time within a shard but not across them (the legacy key comes last).
 *
 * A page is one query's answer (never more than DynamoDB's 1 MB), or — when the shards' answers are
 * smaller than `atLeast` items — several joined until they reach it (so at most `atLeast` plus one
 * answer). A caller that works through a page with a pool and then flushes waits for the pool to drain at
 * every page's end: before the partition was sharded, the evening run's 3,000 digests came in one answer;
 * read as nine small ones, the run would drain and flush nine times.
 */
export async function* pendingPages(
  dynamo: DynamoDBDocumentClient,
  query: PendingQuery,
  atLeast = 1,
): AsyncGenerator<Record<string, unknown>[]> {
  let joined: Record<string, unknown>[] = [];
  for (const key of pendingReadKeys(query.partition)) {
    for await (const page of queryPages(dynamo, inputOf(query, key))) {
      joined = joined.length === 0 ? page : joined.concat(page);
      if (joined.length >= atLeast) {
        yield joined;
        joined = [];
      }
    }
  }
  if (joined.length > 0) yield joined;
}

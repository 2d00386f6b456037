import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from '../../aws/dynamo';
import { type PendingPartition, pendingPrefix } from '../../aws/keys';
import { pendingItems } from '../../aws/pending-index';
import type { Deps } from '../deps';

/**
 * Rebuilds the sparse index (`gsi1`) entries of every item the table says is pending, from the table
 * itself. Only for the embedded default at start-up: dynalite writes an item and its index entry as two
 * LevelDB writes, so a kill -9 between them leaves an item in flight that the index — and so the sweeper —
 * cannot see. Rewriting the item's own `gsi1pk` makes dynalite write the index entry again. On AWS the
 * index is maintained by DynamoDB and this full scan would be pointless cost; the sweeper reads the index.
 *
 * Entries are rewritten as they are, under the key they had — an item from before the pending partitions
 * were sharded stays under its partition's unsharded name, which readers still query (aws/keys.ts
 * `pendingReadKeys`). Moving it to its shard here would need each item's stable id (a post's, a family's,
 * a record's), which only its store knows; the worker that next moves the item on writes it to its shard.
 *
 * Returns how many items were rewritten.
 */
export async function reconcilePendingIndex(deps: Deps): Promise<number> {
  let rewritten = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await deps.clients.dynamo.send(
      new ScanCommand({
        TableName: deps.config.tableName,
        FilterExpression: 'begins_with(gsi1pk, :pending)',
        ExpressionAttributeValues: { ':pending': pendingPrefix },
        ProjectionExpression: 'pk, sk, gsi1pk, gsi1sk',
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const repaired = await conditionalWrite(
        deps.clients.dynamo.send(
          new UpdateCommand({
            TableName: deps.config.tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET gsi1pk = :pk, gsi1sk = :sk',
            // Unchanged since the scan: a worker that moved it on meanwhile wrote its index entry itself.
            ConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
            ExpressionAttributeValues: { ':pk': item.gsi1pk, ':sk': item.gsi1sk },
          }),
        ),
      );
      if (repaired) rewritten++;
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return rewritten;
}

/**
 * Items of a pending partition (the sparse index `gsi1`) whose sort key, a time, is before `cutoff`, oldest
 * first: every shard and the unsharded legacy key queried at once, merged by sort key.
 */
export function stalled(deps: Deps, partition: PendingPartition, cutoff: string): Promise<Record<string, unknown>[]> {
  return pendingItems(deps.clients.dynamo, { tableName: deps.config.tableName, partition, before: '<', bound: cutoff });
}

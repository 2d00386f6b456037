import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite, queryAll } from '../../aws/dynamo';
import type { Deps } from '../deps';

/**
 * Rebuilds the sparse index (`gsi1`) entries of every item the table says is pending, from the table
 * itself. Only for the embedded default at start-up: dynalite writes an item and its index entry as two
 * LevelDB writes, so a kill -9 between them leaves an item in flight that the index — and so the sweeper —
 * cannot see. Rewriting the item's own `gsi1pk` makes dynalite write the index entry again. On AWS the
 * index is maintained by DynamoDB and this full scan would be pointless cost; the sweeper reads the index.
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
        ExpressionAttributeValues: { ':pending': 'PENDING#' },
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

/** Items of a pending partition (the sparse index `gsi1`) whose sort key, a time, is before `cutoff`. */
export function stalled(deps: Deps, partition: string, cutoff: string): Promise<Record<string, unknown>[]> {
  return queryAll(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :cutoff',
    ExpressionAttributeValues: { ':pk': partition, ':cutoff': cutoff },
  });
}

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from '../../aws/dynamo';
import { rateKeys } from '../../aws/keys';
import type { Deps } from '../deps';

/**
 * Counts one use in a rate limit's window: one conditional update, the counter item created by the first
 * use (no read first, so concurrent callers cannot both take the last slot). False, and nothing counted,
 * when the window already holds `limit` uses. The item expires (table TTL) at `windowEnd`.
 */
export async function countUse(
  deps: Deps,
  window: { limitName: string; key: string; start: number; end: number; limit: number },
): Promise<boolean> {
  return conditionalWrite(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: rateKeys.window(window.limitName, window.key, window.start),
        UpdateExpression: 'ADD #uses :one SET expiresAt = :expires, #type = :type',
        ConditionExpression: 'attribute_not_exists(#uses) OR #uses < :limit',
        ExpressionAttributeNames: { '#uses': 'uses', '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':limit': window.limit, ':expires': window.end, ':type': 'rate-window' },
      }),
    ),
  );
}

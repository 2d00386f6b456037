import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';

/** How long the record of a confirmation mail is kept (DynamoDB TTL): far longer than any interval between them. */
const SENT_RETENTION_S = 24 * 3600;

/**
 * Records that a confirmation mail goes to `addressId` for `target` now, unless one went after
 * `recentSince` (one conditional put): false then, and nothing is written.
 */
export async function recordConfirmationSent(
  deps: Deps,
  addressId: string,
  target: string,
  now: Date,
  recentSince: Date,
): Promise<boolean> {
  return conditionalWrite(
    deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: {
          ...tableKeys.confirmationSent(addressId, target),
          type: 'confirmation-sent',
          sentAt: now.toISOString(),
          expiresAt: Math.floor(now.getTime() / 1000) + SENT_RETENTION_S,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR sentAt < :recent',
        ExpressionAttributeValues: { ':recent': recentSince.toISOString() },
      }),
    ),
  );
}

import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { writeOrFound } from '../../aws/dynamo';
import { storeKeys } from '../../aws/keys';
import { type Deps, tableOf } from '../deps';

/** A private channel's capability token, one item per channel (capabilities.ts decides when it changes). */

/** The channel's stored token; undefined before its first use. */
export async function readCapability(deps: Deps, channelId: string): Promise<string | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: storeKeys.capability(channelId), ConsistentRead: true }),
  );
  return tokenOf(Item);
}

const tokenOf = (item: Record<string, unknown> | undefined) => (item?.token ? String(item.token) : undefined);

/**
 * Stores a token: the first one (no `previous`: only while the channel has none), or a replacement of
 * `previous` (only while that is still the token). When another writer got there first, `stored` is false
 * and the token that refused the write comes with the answer.
 */
export async function putCapability(
  deps: Deps,
  channelId: string,
  token: string,
  previous?: string,
): Promise<{ stored: true } | { stored: false; current: string | undefined }> {
  const answer = await writeOrFound(
    tableOf(deps),
    storeKeys.capability(channelId),
    deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: {
          ...storeKeys.capability(channelId),
          type: 'capability',
          channelId,
          token,
          createdAt: deps.now().toISOString(),
          ...(previous === undefined ? {} : { previous }),
        },
        ...(previous === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#token = :previous',
              ExpressionAttributeNames: { '#token': 'token' },
              ExpressionAttributeValues: { ':previous': previous },
            }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  return answer.written ? { stored: true } : { stored: false, current: tokenOf(answer.found) };
}

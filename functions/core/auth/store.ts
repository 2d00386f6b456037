import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';

/** API tokens, stored under the hash of the token (the token itself is never stored). */
export async function putToken(deps: Deps, tokenHash: string, token: Record<string, unknown>): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { ...tableKeys.token(tokenHash), type: 'token', ...token },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getTokenItem(deps: Deps, tokenHash: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: tableKeys.token(tokenHash) }),
  );
  return Item;
}

/** Marks a token revoked; false when there is no such token. */
export async function markTokenRevoked(deps: Deps, tokenHash: string): Promise<boolean> {
  return conditionalWrite(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: tableKeys.token(tokenHash),
        UpdateExpression: 'SET revokedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': deps.now().toISOString() },
      }),
    ),
  );
}

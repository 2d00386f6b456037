import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import type { Deps } from '../deps';

/** The stored secrets item as it is (secrets.ts parses it), or undefined before the first start. */
export async function readSecretsItem(deps: Deps): Promise<Record<string, unknown> | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: tableKeys.secrets, ConsistentRead: true }),
  );
  return Item;
}

/** Stores the secrets unless some process stored its own first: false then (the caller reads theirs). */
export async function createSecretsItem(deps: Deps, secrets: Record<string, unknown>): Promise<boolean> {
  return conditionalWrite(
    deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: { ...tableKeys.secrets, type: 'secrets', ...secrets },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

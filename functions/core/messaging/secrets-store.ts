import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { writeOrFound } from '../../aws/dynamo';
import { tableKeys } from '../../aws/keys';
import { type Deps, tableOf } from '../deps';

/** The stored secrets item as it is (secrets.ts parses it), or undefined before the first start. */
export async function readSecretsItem(deps: Deps): Promise<Record<string, unknown> | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: tableKeys.secrets, ConsistentRead: true }),
  );
  return Item;
}

/**
 * Stores the secrets unless some process stored its own first: then `created` is false and their item
 * (the one that refused the write) comes with the answer, for the caller to use.
 */
export async function createSecretsItem(
  deps: Deps,
  secrets: Record<string, unknown>,
): Promise<{ created: true } | { created: false; existing: Record<string, unknown> | undefined }> {
  const answer = await writeOrFound(
    tableOf(deps),
    tableKeys.secrets,
    deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: { ...tableKeys.secrets, type: 'secrets', ...secrets },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  return answer.written ? { created: true } : { created: false, existing: answer.found };
}

import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { guidelinesKeys } from '../../aws/keys';
import type { Deps } from '../deps';

/** A school's guidelines as stored; undefined while it uses the default. */
export async function getGuidelinesItem(deps: Deps, schoolId: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: guidelinesKeys.guidelines(schoolId) }),
  );
  return Item;
}

export async function putGuidelines(
  deps: Deps,
  schoolId: string,
  guidelines: { markdown: string; updatedAt: string; updatedBy: string },
): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { ...guidelinesKeys.guidelines(schoolId), type: 'guidelines', ...guidelines },
    }),
  );
}

/** Records when `reader` (a staff label) last read the guidelines. */
export async function putGuidelinesRead(deps: Deps, schoolId: string, reader: string, readAt: string): Promise<void> {
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: deps.config.tableName,
      Item: { ...guidelinesKeys.read(schoolId, reader), type: 'guidelines-read', readAt },
    }),
  );
}

/** When `reader` last read the guidelines; undefined when never. */
export async function guidelinesReadAt(deps: Deps, schoolId: string, reader: string): Promise<string | undefined> {
  const { Item } = await deps.clients.dynamo.send(
    new GetCommand({ TableName: deps.config.tableName, Key: guidelinesKeys.read(schoolId, reader) }),
  );
  return Item ? String(Item.readAt) : undefined;
}

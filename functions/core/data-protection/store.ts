import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite } from '../../aws/dynamo';
import { retentionKeys } from '../../aws/keys';
import type { Deps } from '../deps';

/**
 * The retention register: one item per school with a retention period, in one small partition the daily
 * run reads instead of scanning, each holding the day it last ran for that school.
 */

/** Registers a school (with no run yet), or takes it off the register. */
export async function setRetentionRegistration(deps: Deps, schoolId: string, registered: boolean): Promise<void> {
  const table = deps.config.tableName;
  if (!registered) {
    await deps.clients.dynamo.send(new DeleteCommand({ TableName: table, Key: retentionKeys.registration(schoolId) }));
    return;
  }
  await deps.clients.dynamo.send(
    new PutCommand({
      TableName: table,
      Item: { ...retentionKeys.registration(schoolId), type: 'retention', schoolId, lastRunOn: '' },
    }),
  );
}

/** Every registered school, with the day (YYYY-MM-DD, '' for never) its retention last ran. */
export async function retentionRegistrations(deps: Deps): Promise<{ schoolId: string; lastRunOn: string }[]> {
  const { Items = [] } = await deps.clients.dynamo.send(
    new QueryCommand({
      TableName: deps.config.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': retentionKeys.register },
    }),
  );
  return Items.map((item) => ({ schoolId: String(item.schoolId), lastRunOn: String(item.lastRunOn) }));
}

/** Claims `today`'s run for a school with one conditional write: true for the first caller of the day only. */
export async function claimRetentionDay(deps: Deps, schoolId: string, today: string): Promise<boolean> {
  return conditionalWrite(
    deps.clients.dynamo.send(
      new UpdateCommand({
        TableName: deps.config.tableName,
        Key: retentionKeys.registration(schoolId),
        UpdateExpression: 'SET lastRunOn = :today',
        ConditionExpression: 'attribute_exists(pk) AND lastRunOn < :today',
        ExpressionAttributeValues: { ':today': today },
      }),
    ),
  );
}

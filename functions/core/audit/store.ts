import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite, queryAll } from '../../aws/dynamo';
import { auditKeys } from '../../aws/keys';
import type { Deps } from '../deps';

/**
 * The audit log's storage: entries are only ever appended. With `once`, the write is conditional on the
 * entry's key being new, so a step re-run after a crash records its entry once (a repeat is no error).
 */
export async function appendAuditEntry(
  deps: Deps,
  entry: { schoolId: string; at: string } & Record<string, unknown>,
  entryKey: string,
  once: boolean,
): Promise<void> {
  // Only a `once` write has a condition to be refused, and then its entry is there already.
  await conditionalWrite(
    deps.clients.dynamo.send(
      new PutCommand({
        TableName: deps.config.tableName,
        Item: { ...auditKeys.entry(entry.schoolId, entry.at, entryKey), type: 'audit', ...entry },
        ...(once ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
      }),
    ),
  );
}

/** The school's log entries as stored, oldest first, optionally from `since` (inclusive). */
export async function listAuditItems(deps: Deps, schoolId: string, since?: string): Promise<Record<string, unknown>[]> {
  return queryAll(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    KeyConditionExpression: since ? 'pk = :pk AND sk >= :since' : 'pk = :pk',
    ExpressionAttributeValues: { ':pk': auditKeys.log(schoolId), ...(since ? { ':since': since } : {}) },
  });
}

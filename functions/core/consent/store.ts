import { batchWriteAll, queryAll } from '../../aws/dynamo';
import { rosterKeys } from '../../aws/keys';
import type { Deps } from '../deps';

/** Where a pupil sits in the roster: its class and id. */
type PupilPlace = { schoolId: string; classId: string; pupilId: string };
const pupilKey = (p: PupilPlace) => rosterKeys.pupil(p.schoolId, p.classId, p.pupilId);

/** The school's roster as stored (every class), sorted by class then pupil. */
export async function listRosterItems(deps: Deps, schoolId: string): Promise<Record<string, unknown>[]> {
  return queryAll(deps.clients.dynamo, {
    TableName: deps.config.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': rosterKeys.roster(schoolId) },
  });
}

/** A pupil's place in the roster as one string (class and pupil): an import keeps the places it names. */
export const rosterPlace = (p: PupilPlace) => pupilKey(p).sk;

/**
 * Writes `puts` and then deletes `deletes` (in batches of 25, re-sending what DynamoDB left unprocessed):
 * new and changed pupils first, so a pupil moving class is never missing.
 */
export async function writeRoster(
  deps: Deps,
  puts: (PupilPlace & Record<string, unknown>)[],
  deletes: PupilPlace[],
): Promise<void> {
  try {
    await batchWriteAll(
      deps.clients.dynamo,
      deps.config.tableName,
      puts.map((p) => ({ PutRequest: { Item: { ...pupilKey(p), type: 'pupil', ...p } } })),
    );
    await batchWriteAll(
      deps.clients.dynamo,
      deps.config.tableName,
      deletes.map((p) => ({ DeleteRequest: { Key: pupilKey(p) } })),
    );
  } catch (error) {
    if (/kept refusing/.test(String((error as Error).message)))
      throw new Error('the table kept refusing roster writes; please try the import again');
    throw error;
  }
}
